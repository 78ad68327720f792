"""azureml.pipeline.core, run locally."""
from ...data.output_dataset_config import OutputFileDatasetConfig
from .data import PipelineData, PipelineParameter
from .graph import StepSequence
from .pipeline import Pipeline
from .run import PipelineRun, StepRun

__all__ = ["OutputFileDatasetConfig", "Pipeline", "PipelineData", "PipelineParameter",
           "PipelineRun", "StepRun", "StepSequence"]
