"""azureml.pipeline.core.graph: StepSequence, TrainingOutput and the names v1 code imports
from this module path (PipelineParameter, PublishedPipeline, PortDataReference)."""
from __future__ import annotations

from typing import Any

from ....missing import MissingNames, module_getattr
from .data import PipelineParameter
from .module import InputPortDef, OutputPortDef
from .published import PublishedPipeline
from .run import PortDataReference


class StepSequence(MissingNames):
    """Steps that run one after another."""

    def __init__(self, steps: list[Any] | None = None) -> None:
        self.steps = list(steps or [])


class TrainingOutput(MissingNames):
    """Which output of a HyperDrive step a PipelineData receives: "Metrics" (the best run's
    metrics, as JSON) or "Model" (the best run's model_file from its ./outputs)."""

    def __init__(self, type: str, model_file: str | None = None) -> None:
        self.type, self.model_file = type, model_file


__all__ = ["InputPortDef", "OutputPortDef", "PipelineParameter", "PortDataReference",
           "PublishedPipeline", "StepSequence", "TrainingOutput"]
__getattr__ = module_getattr(__name__)
