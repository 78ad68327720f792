"""azureml.core.Dataset: v1's factories and registry over the local datasets.

A list of files or a glob is exactly those files (linked into a folder of the workspace,
so a table reads only their rows); an http(s) URL is downloaded once into the workspace.
"""
from __future__ import annotations

import os
import uuid
from typing import Any

from ....core.dataset import Dataset as LocalDataset
from ....core.dataset import DatasetConsumptionConfig as LocalConsumption
from ....core.errors import PipelineError
from ....core.names import check_identifier
from ...missing import module_getattr
from ..data.datapath import DataPath
from .datastore import Datastore

MODE_ATTRIBUTE = "v1_mode"
_seen: dict[str, LocalDataset] = {}   # ids read in this process: get_by_id finds them


def id_of(dataset: LocalDataset) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{dataset.kind}:{dataset.path}"))


def with_mode(consumption: LocalConsumption, mode: str) -> LocalConsumption:
    """Remember how v1 code asked for the data (direct, mount, download)."""
    object.__setattr__(consumption, MODE_ATTRIBUTE, mode)
    return consumption


def mode_of(consumption: Any) -> str:
    return getattr(consumption, MODE_ATTRIBUTE, "direct")


class V1Consumption(LocalConsumption):
    """A named input whose as_mount()/as_download() remember the mode, as v1's does."""

    def as_mount(self, path_on_compute: str | None = None) -> "V1Consumption":
        return with_mode(V1Consumption(self.name, self.dataset), "mount")  # type: ignore

    def as_download(self, path_on_compute: str | None = None) -> "V1Consumption":
        return with_mode(V1Consumption(self.name, self.dataset), "download")  # type: ignore


class V1Dataset(LocalDataset):
    """A local dataset with v1's id, consumption modes and registry."""

    @property
    def id(self) -> str:
        """A stable id for this data (kind and path), which get_by_id finds again."""
        found = id_of(self)
        _seen[found] = self
        return found

    def as_named_input(self, name: str) -> LocalConsumption:
        return with_mode(V1Consumption(check_identifier(name, "named input"), self), "direct")

    def _default_name(self) -> str:
        return self.name or f"input_{self.id.replace('-', '_')[:8]}"

    def as_mount(self, path_on_compute: str | None = None) -> LocalConsumption:
        return with_mode(self.as_named_input(self._default_name()), "mount")

    def as_download(self, path_on_compute: str | None = None) -> LocalConsumption:
        return with_mode(self.as_named_input(self._default_name()), "download")

    def register(self, workspace: Any, name: str,  # type: ignore[override]
                 description: str | None = None,
                 tags: dict | None = None, create_new_version: bool = False
                 ) -> "V1Dataset":
        done = super().register(workspace, name, create_new_version=create_new_version,
                                description=description, tags=tags)
        return of(done)

    @property
    def version(self) -> int:
        return 1

    def with_timestamp_columns(self, *args: Any, **kwargs: Any) -> "V1Dataset":
        return self

    def take(self, count: int) -> Any:
        return self.to_pandas_dataframe().head(count)


def of(dataset: LocalDataset) -> V1Dataset:
    return V1Dataset(dataset.path, dataset.kind, dataset.name) \
        if not isinstance(dataset, V1Dataset) else dataset


def _paths(path: Any) -> list[str]:
    """v1's path forms as local paths or URLs: a path, a glob, a DataPath, a (datastore,
    path) tuple, a URL, or a list of any of those."""
    if isinstance(path, tuple) and len(path) == 2 and isinstance(path[0], Datastore):
        return [DataPath(path[0], path[1]).local_pattern()]
    if isinstance(path, (list, tuple)):
        return [p for item in path for p in _paths(item)]
    if isinstance(path, DataPath) or hasattr(type(path), "local_pattern"):
        return [path.local_pattern()]   # a DataPath, or a DataReference
    return [os.fspath(path)]


def _local(path: Any, workspace: Any = None) -> str:
    """One local path for the dataset: a file or folder as it is; several files, or a glob,
    as a folder of exactly those files; a URL downloaded into the workspace."""
    from ...registries import selections

    found = _paths(path)
    if len(found) == 1 and not selections.is_pattern(found[0]) \
            and not selections.is_url(found[0]):
        return found[0]
    return str(selections.folder_of(found, workspace))


class _Tabular:
    @staticmethod
    def from_delimited_files(path: Any, validate: bool = True, include_path: bool = False,
                             infer_column_types: bool = True, set_column_types: Any = None,
                             separator: str = ",", header: Any = True,
                             partition_format: str | None = None, support_multi_line: bool =
                             False, empty_as_string: bool = False, encoding: str = "utf8"
                             ) -> V1Dataset:
        return of(LocalDataset.Tabular.from_delimited_files(_local(path)))

    @staticmethod
    def from_parquet_files(path: Any, **kwargs: Any) -> V1Dataset:
        from ...missing import no_local_version

        no_local_version("Dataset.Tabular.from_parquet_files",
                         "convert the files to CSV and use from_delimited_files")


class _File:
    @staticmethod
    def from_files(path: Any, validate: bool = True, partition_format: str | None = None,
                   is_file: bool = False) -> V1Dataset:
        return of(LocalDataset.File.from_files(_local(path)))


class Dataset:
    """v1's entry point: `Dataset.Tabular`, `Dataset.File`, `get_by_name`, `get_by_id`."""

    Tabular = _Tabular
    File = _File

    @staticmethod
    def get_by_name(workspace: Any, name: str, version: str | int = "latest") -> V1Dataset:
        return of(LocalDataset.get_by_name(workspace, name))

    @staticmethod
    def get_by_id(workspace: Any, id: str) -> V1Dataset:
        for dataset in workspace.datasets.values():
            if id_of(dataset) == id:
                return of(dataset)
        if id in _seen:
            return of(_seen[id])
        raise PipelineError(f"no dataset with id {id!r} in {workspace.root}; register it "
                            f"(dataset.register(ws, name)) to find it from another process")

    @staticmethod
    def get_all(workspace: Any) -> dict[str, V1Dataset]:
        return {n: of(d) for n, d in workspace.datasets.items()}


__all__ = ["Dataset"]
__getattr__ = module_getattr(__name__)
