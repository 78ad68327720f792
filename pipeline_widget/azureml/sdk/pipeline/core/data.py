"""azureml.pipeline.core's PipelineData and PipelineParameter, with v1's arguments. A
parameter's default may be a DataPath (it is that local path) or a dataset (it chooses the
dataset a step reads when the pipeline is submitted)."""
from __future__ import annotations

from typing import Any

from .....core.dataset import Dataset as LocalDataset
from .....core.pipeline_data import PipelineData as LocalPipelineData
from .....core.pipeline_data import PipelineParameter as LocalPipelineParameter
from ....ignored import ignore
from ....missing import module_getattr
from ...data.datapath import DataPath
from ...data.modes import AsIs


class PipelineData(AsIs, LocalPipelineData):
    def __init__(self, name: str, datastore: Any = None, output_name: str | None = None,
                 output_mode: str = "mount", output_path_on_compute: str | None = None,
                 output_overwrite: bool | None = None, data_type: str | None = None,
                 is_directory: bool | None = None, pipeline_output_name: str | None = None,
                 training_output: Any = None) -> None:
        super().__init__(name, datastore=datastore)
        self.is_directory = is_directory
        self.training_output = training_output
        if pipeline_output_name:
            ignore("PipelineData(pipeline_output_name=...)")

    def as_dataset(self) -> "PipelineData":
        return self

    def parse_delimited_files(self, *args: Any, **kwargs: Any) -> "PipelineData":
        return self

    def parse_parquet_files(self, *args: Any, **kwargs: Any) -> "PipelineData":
        return self


class PipelineParameter(LocalPipelineParameter):
    def __init__(self, name: str, default_value: Any) -> None:
        self.dataset_default: LocalDataset | None = None
        if isinstance(default_value, LocalDataset):
            self.dataset_default = default_value
            default_value = default_value.path
        elif isinstance(default_value, DataPath):
            default_value = default_value.local()
        super().__init__(name, default_value)


__all__ = ["PipelineData", "PipelineParameter"]
__getattr__ = module_getattr(__name__)
