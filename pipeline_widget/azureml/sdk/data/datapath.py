"""azureml.data.datapath: DataPath (a path in a datastore) and DataPathComputeBinding (how
a step gets it: mounted or downloaded; locally the step gets the path itself)."""
from __future__ import annotations

import os
from typing import Any

from ....core.containment import inside
from ...missing import MissingNames, module_getattr


class DataPath(MissingNames):
    """A path in a datastore (`datastore.path("raw/*.csv")`, or DataPath(store, "raw")).
    As a PipelineParameter's default (or a value given at submit) it is that local path."""

    def __init__(self, datastore: Any = None, path_on_datastore: str | None = None,
                 name: str | None = None) -> None:
        self.datastore = datastore
        self.path_on_datastore = path_on_datastore or ""
        self.name = name

    def local(self) -> str:
        """The local file or folder; a pattern such as raw/*.csv stands for its folder."""
        path = self.path_on_datastore.strip("/")
        return self._inside(os.path.dirname(path) if any(c in path for c in "*?[") else path)

    def local_pattern(self) -> str:
        """The local path, a pattern such as raw/*.csv kept as a pattern."""
        path = self.path_on_datastore.strip("/")
        folder, pattern = (os.path.dirname(path), os.path.basename(path)) \
            if any(c in path for c in "*?[") else (path, "")
        return os.path.join(self._inside(folder), pattern) if pattern else self._inside(folder)

    def _inside(self, path: str) -> str:
        if self.datastore is None:
            from ..core.workspace import Workspace

            self.datastore = Workspace.from_config().get_default_datastore()
        root = self.datastore.local_root
        return str(inside(root, path, f"datastore path {self.path_on_datastore!r}")
                   if path else root)

    def create_data_reference(self, data_reference_name: str | None = None,
                              datapath_compute_binding: Any = None) -> Any:
        from .data_reference import DataReference

        return DataReference(self.datastore, data_reference_name, self.path_on_datastore,
                             mode=getattr(datapath_compute_binding, "mode", "mount"))

    def __repr__(self) -> str:
        return f"DataPath({getattr(self.datastore, 'name', None)!r}, {self.path_on_datastore!r})"


class DataPathComputeBinding(MissingNames):
    def __init__(self, mode: str = "mount", path_on_compute: str | None = None,
                 overwrite: bool = False) -> None:
        self.mode, self.path_on_compute, self.overwrite = mode, path_on_compute, overwrite


__all__ = ["DataPath", "DataPathComputeBinding"]
__getattr__ = module_getattr(__name__)
