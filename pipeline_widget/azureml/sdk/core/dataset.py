"""azureml.core.Dataset: v1's factories and registry over the local datasets."""
from __future__ import annotations

import os
from typing import Any

from ....core.dataset import Dataset as LocalDataset
from ....core.errors import PipelineError
from .datastore import DataPath, Datastore


def _local_path(path: Any) -> str:
    """One local path from v1's forms: a path, a DataPath, a (datastore, path) tuple, or a
    list of one of those (a list of several must share a folder)."""
    if isinstance(path, (list, tuple)) and path and not (
            len(path) == 2 and isinstance(path[0], Datastore)):
        found = {_local_path(p) for p in path}
        if len(found) > 1:
            parents = {os.path.dirname(p) for p in found}
            if len(parents) != 1:
                raise PipelineError(f"a local dataset is one file or one folder; {sorted(found)} "
                                    f"are in different folders")
            return parents.pop()
        return found.pop()
    if isinstance(path, tuple):
        return DataPath(path[0], path[1]).local()
    if isinstance(path, DataPath):
        return path.local()
    text = os.fspath(path)
    if any(c in os.path.basename(text) for c in "*?["):
        return os.path.dirname(text) or "."
    return text


class _Tabular:
    @staticmethod
    def from_delimited_files(path: Any, validate: bool = True, include_path: bool = False,
                             infer_column_types: bool = True, separator: str = ",",
                             **ignored: Any) -> LocalDataset:
        return LocalDataset.Tabular.from_delimited_files(_local_path(path))


class _File:
    @staticmethod
    def from_files(path: Any, validate: bool = True, **ignored: Any) -> LocalDataset:
        return LocalDataset.File.from_files(_local_path(path))


class Dataset:
    """v1's entry point: `Dataset.Tabular`, `Dataset.File`, `Dataset.get_by_name`."""

    Tabular = _Tabular
    File = _File

    @staticmethod
    def get_by_name(workspace: Any, name: str, version: str | int = "latest") -> LocalDataset:
        return LocalDataset.get_by_name(workspace, name)
