"""azureml.pipeline.core's PipelineData and PipelineParameter, with v1's arguments."""
from __future__ import annotations

from typing import Any

from .....core.pipeline_data import PipelineData as LocalPipelineData
from .....core.pipeline_data import PipelineParameter as LocalPipelineParameter
from ....ignored import ignore
from ...data.modes import AsIs


class PipelineData(AsIs, LocalPipelineData):
    def __init__(self, name: str, datastore: Any = None, output_name: str | None = None,
                 output_mode: str = "mount", output_path_on_compute: str | None = None,
                 output_overwrite: bool | None = None, data_type: str | None = None,
                 is_directory: bool | None = None, pipeline_output_name: str | None = None,
                 training_output: Any = None) -> None:
        super().__init__(name, datastore=datastore)
        if pipeline_output_name or training_output:
            ignore("PipelineData(pipeline_output_name/training_output)")

    def as_dataset(self) -> "PipelineData":
        return self



class PipelineParameter(LocalPipelineParameter):
    def __init__(self, name: str, default_value: Any) -> None:
        super().__init__(name, default_value)
