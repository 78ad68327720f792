"""azureml.pipeline.core.builder: where v1 defines PipelineData and StepSequence."""
from ....missing import module_getattr
from ..steps.base import V1Step as PipelineStep
from .data import PipelineData
from .graph import StepSequence

__all__ = ["PipelineData", "PipelineStep", "StepSequence"]
__getattr__ = module_getattr(__name__)
