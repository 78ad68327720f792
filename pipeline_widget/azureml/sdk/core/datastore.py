"""azureml.core.Datastore over a local datastore folder: upload, paths into it."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ....core.containment import inside
from ....core.datastore import Datastore as LocalDatastore
from ....core.errors import PipelineError
from ...missing import module_getattr, no_local_version
from ..data.datapath import DataPath


class Datastore(LocalDatastore):
    """A named datastore of the local workspace, with v1's upload and path.

    `Datastore(ws, "name")` (or workspace=..., name=...) is that registered datastore, as in
    v1; the register_azure_* calls register a local folder of the workspace under the name
    (the account, container and keys have no local meaning)."""

    datastore_type = "AzureBlob"

    def __init__(self, workspace: Any = None, name: Any = None, storage_options: Any = None,
                 **kwargs: Any) -> None:
        if kwargs.get("workspace") is not None or hasattr(workspace, "root"):
            ws = kwargs.get("workspace") or workspace
            found = LocalDatastore.get(ws, kwargs.get("name") or name or "")
            workspace, name, storage_options = found.name, found.url, found.storage_options
        elif kwargs.get("url") is not None:
            workspace, name = kwargs.get("name", workspace), kwargs["url"]
        object.__setattr__(self, "name", workspace)
        object.__setattr__(self, "url", name)
        object.__setattr__(self, "storage_options", dict(storage_options or {}))

    @staticmethod
    def of(local: LocalDatastore) -> "Datastore":
        return Datastore(local.name, local.url, dict(local.storage_options))

    @staticmethod
    def _register_folder(workspace: Any, datastore_name: str, kind: str) -> "Datastore":
        folder = Path(workspace.root) / "datastores" / datastore_name
        folder.mkdir(parents=True, exist_ok=True)
        store = Datastore.of(LocalDatastore.register(workspace, datastore_name, str(folder)))
        object.__setattr__(store, "datastore_type", kind)
        return store

    @staticmethod
    def register_azure_blob_container(workspace: Any, datastore_name: str,
                                      container_name: str | None = None,
                                      account_name: str | None = None, sas_token: Any = None,
                                      account_key: Any = None, protocol: Any = None,
                                      endpoint: Any = None, overwrite: bool = False,
                                      create_if_not_exists: bool = False,
                                      skip_validation: bool = False, **kwargs: Any
                                      ) -> "Datastore":
        """A local folder (pipeline_workspace/datastores/NAME) registered as `datastore_name`."""
        return Datastore._register_folder(workspace, datastore_name, "AzureBlob")

    @staticmethod
    def register_azure_file_share(workspace: Any, datastore_name: str,
                                  file_share_name: str | None = None,
                                  account_name: str | None = None, **kwargs: Any) -> "Datastore":
        return Datastore._register_folder(workspace, datastore_name, "AzureFile")

    @staticmethod
    def register_azure_data_lake_gen2(workspace: Any, datastore_name: str,
                                      filesystem: str | None = None,
                                      account_name: str | None = None, **kwargs: Any
                                      ) -> "Datastore":
        return Datastore._register_folder(workspace, datastore_name, "AzureDataLakeGen2")

    @staticmethod
    def register_azure_data_lake(workspace: Any, datastore_name: str,
                                 store_name: str | None = None, **kwargs: Any) -> "Datastore":
        return Datastore._register_folder(workspace, datastore_name, "AzureDataLake")

    @staticmethod
    def register_azure_sql_database(*args: Any, **kwargs: Any) -> "Datastore":
        no_local_version("Datastore.register_azure_sql_database",
                         "export the tables to CSV files and use Dataset.Tabular."
                         "from_delimited_files")

    @staticmethod
    def register_azure_postgre_sql(*args: Any, **kwargs: Any) -> "Datastore":
        no_local_version("Datastore.register_azure_postgre_sql",
                         "export the tables to CSV files and use Dataset.Tabular."
                         "from_delimited_files")

    def set_as_default(self) -> None:
        raise PipelineError("set_as_default needs the workspace: call "
                            "ws.set_default_datastore(name) instead")

    def unregister(self) -> None:
        raise PipelineError(f"unregister datastore {self.name!r}: remove it from "
                            f"pipeline_workspace/datastores.json")

    @property
    def root(self) -> Path:
        return self.local_root

    @staticmethod
    def get(workspace: Any, datastore_name: str) -> "Datastore":  # type: ignore[override]
        return Datastore.of(LocalDatastore.get(workspace, datastore_name))

    @staticmethod
    def get_default(workspace: Any) -> "Datastore":
        return workspace.get_default_datastore()

    def path(self, path: str = "", data_reference_name: str | None = None) -> Any:
        """A DataReference to `path` in this datastore, as v1 gives (an input of a step, or
        the path of a dataset)."""
        from ..data.data_reference import DataReference

        return DataReference(self, data_reference_name, path)

    def as_mount(self) -> Any:
        return self.path("").as_mount()

    def as_download(self, path_on_compute: str | None = None) -> Any:
        return self.path("").as_download()

    def upload(self, src_dir: str, target_path: str | None = None, overwrite: bool = False,
               show_progress: bool = True) -> DataPath:
        """Copy a folder into the datastore, under `target_path`."""
        src = Path(src_dir)
        if not src.is_dir():
            raise PipelineError(f"upload: {src_dir} is not a folder; use upload_files for files")
        files = [p for p in src.rglob("*") if p.is_file()]
        self._copy([(p, p.relative_to(src).as_posix()) for p in files], target_path, overwrite)
        return self.path(target_path or "")

    def upload_files(self, files: list[str], relative_root: str | None = None,
                     target_path: str | None = None, overwrite: bool = False,
                     show_progress: bool = True) -> DataPath:
        """Copy files into the datastore, under `target_path`."""
        pairs = []
        for f in files:
            p = Path(f)
            if not p.is_file():
                raise PipelineError(f"upload_files: {f} is not a file")
            rel = os.path.relpath(p, relative_root) if relative_root else p.name
            pairs.append((p, rel))
        self._copy(pairs, target_path, overwrite)
        return self.path(target_path or "")

    def _copy(self, pairs: list[tuple[Path, str]], target_path: str | None,
              overwrite: bool) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for src, rel in pairs:
            name = f"{target_path.strip('/')}/{rel}" if target_path else rel
            dest = inside(self.root, name, f"target path {name!r}")
            if dest.exists() and not overwrite:
                continue   # as v1: an existing file stays unless overwrite=True
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)

    def __repr__(self) -> str:
        return f"Datastore({self.name!r}, {self.url!r})"


__getattr__ = module_getattr(__name__)
