"""azureml.pipeline.core, run locally: pipelines, their data and parameters, runs, and the
workspace registries of published pipelines, endpoints, drafts and schedules."""
from ....missing import module_getattr
from ...data.output_dataset_config import OutputFileDatasetConfig
from ..steps.base import V1Step as PipelineStep
from .data import PipelineData, PipelineParameter
from .graph import StepSequence, TrainingOutput
from .module import InputPortDef, Module, ModuleVersion, ModuleVersionDescriptor, OutputPortDef
from .pipeline import Pipeline
from .published import PipelineDraft, PipelineEndpoint, PublishedPipeline
from .run import PipelineRun, PortDataReference, StepRun
from .schedule import Schedule, ScheduleRecurrence, TimeZone

__all__ = ["InputPortDef", "Module", "ModuleVersion", "ModuleVersionDescriptor", "OutputPortDef",
           "OutputFileDatasetConfig", "Pipeline", "PipelineData", "PipelineDraft",
           "PipelineEndpoint", "PipelineParameter", "PipelineRun", "PipelineStep",
           "PortDataReference", "PublishedPipeline", "Schedule", "ScheduleRecurrence",
           "StepRun", "StepSequence", "TimeZone", "TrainingOutput"]
__getattr__ = module_getattr(__name__)
