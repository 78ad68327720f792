"""azureml.data.data_reference.DataReference: a path in a datastore handed to a step (in its
inputs and arguments) as mounted or downloaded; locally the step gets the local path."""
from __future__ import annotations

from typing import Any

from ....core.dataset import Dataset as LocalDataset
from ....core.dataset import DatasetConsumptionConfig as LocalConsumption
from ....core.names import suggest_identifier
from ...missing import MissingNames, module_getattr


class DataReference(MissingNames):
    def __init__(self, datastore: Any, data_reference_name: str | None = None,
                 path_on_datastore: str | None = None, mode: str = "mount",
                 path_on_compute: str | None = None, overwrite: bool = False) -> None:
        self.datastore = datastore
        self.path_on_datastore = path_on_datastore or ""
        self.data_reference_name = data_reference_name or suggest_identifier(
            str(path_on_datastore or getattr(datastore, "name", "data")).strip("/") or "data")
        self.mode, self.path_on_compute, self.overwrite = mode, path_on_compute, overwrite

    def local(self) -> str:
        from .datapath import DataPath

        return DataPath(self.datastore, self.path_on_datastore).local()

    def local_pattern(self) -> str:
        from .datapath import DataPath

        return DataPath(self.datastore, self.path_on_datastore).local_pattern()

    def consumption(self) -> LocalConsumption:
        """The step's named input: the local file or folder (it must exist when the
        pipeline is built, as it must in the cloud when the step starts)."""
        return LocalDataset.File.from_files(self.local()).as_named_input(
            suggest_identifier(self.data_reference_name))

    def as_mount(self) -> "DataReference":
        self.mode = "mount"
        return self

    def as_download(self, path_on_compute: str | None = None, overwrite: bool = False
                    ) -> "DataReference":
        self.mode = "download"
        return self

    def as_upload(self, path_on_compute: str | None = None, overwrite: bool = False
                  ) -> "DataReference":
        self.mode = "upload"
        return self

    def path(self, path: str | None = None, data_reference_name: str | None = None
             ) -> "DataReference":
        return DataReference(self.datastore, data_reference_name,
                             f"{self.path_on_datastore.rstrip('/')}/{path or ''}".lstrip("/"))

    def __str__(self) -> str:
        return f"$AZUREML_DATAREFERENCE_{self.data_reference_name}"

    def __repr__(self) -> str:
        return f"DataReference({self.data_reference_name!r}, {self.path_on_datastore!r})"


__all__ = ["DataReference"]
__getattr__ = module_getattr(__name__)
