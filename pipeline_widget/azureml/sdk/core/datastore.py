"""azureml.core.Datastore over a local datastore folder: upload, paths into it."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ....core.containment import inside
from ....core.datastore import Datastore as LocalDatastore
from ....core.errors import PipelineError


class DataPath:
    """A path in a datastore (`datastore.path("raw/*.csv")`, or a (datastore, path) tuple)."""

    def __init__(self, datastore: "Datastore", path_on_datastore: str = "") -> None:
        self.datastore = datastore
        self.path_on_datastore = path_on_datastore

    def local(self) -> str:
        """The local file or folder; a pattern such as raw/*.csv stands for its folder."""
        path = self.path_on_datastore.strip("/")
        if any(c in path for c in "*?["):
            path = os.path.dirname(path)
        return str(inside(self.datastore.root, path, f"datastore path {self.path_on_datastore!r}")
                   if path else self.datastore.root)


class Datastore(LocalDatastore):
    """A named datastore of the local workspace, with v1's upload and path."""

    datastore_type = "AzureBlob"

    @staticmethod
    def of(local: LocalDatastore) -> "Datastore":
        return Datastore(local.name, local.url, dict(local.storage_options))

    @property
    def root(self) -> Path:
        return self.local_root

    @staticmethod
    def get(workspace: Any, datastore_name: str) -> "Datastore":
        return Datastore.of(LocalDatastore.get(workspace, datastore_name))

    @staticmethod
    def get_default(workspace: Any) -> "Datastore":
        return workspace.get_default_datastore()

    def path(self, path: str = "", data_reference_name: str | None = None) -> DataPath:
        return DataPath(self, path)

    def upload(self, src_dir: str, target_path: str | None = None, overwrite: bool = False,
               show_progress: bool = True) -> DataPath:
        """Copy a folder into the datastore, under `target_path`."""
        src = Path(src_dir)
        if not src.is_dir():
            raise PipelineError(f"upload: {src_dir} is not a folder; use upload_files for files")
        files = [p for p in src.rglob("*") if p.is_file()]
        self._copy([(p, p.relative_to(src).as_posix()) for p in files], target_path, overwrite)
        return DataPath(self, target_path or "")

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
        return DataPath(self, target_path or "")

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
