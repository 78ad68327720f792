"""Execution: plans, executors, reuse cache, run records and the status event stream.

Imports core/; nothing from widget/. Never prints by itself.
"""
from .context import Run
from .events import EventBus, StatusEvent
from .parameters_cell import NotebookParameter, notebook_parameters
from .pipeline_run import PipelineRun, StepRun
from .plan.preview import StepStatus
from .status import Status
from .submission import Pipeline, rerun, resume, submit
from .warm import WarmKernels

__all__ = ["Run", "EventBus", "Status", "StatusEvent", "Pipeline", "rerun", "resume", "submit", "PipelineRun",
           "StepRun", "StepStatus", "NotebookParameter", "notebook_parameters", "WarmKernels"]
