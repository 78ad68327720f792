"""Execution: plans, executors, reuse cache, run records and the status event stream.

Imports core/; nothing from widget/. Never prints by itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy_exports import lazy_exports

# Each name from the module that defines it, loaded on first use: what needs one part of
# execution (the command line starting the kernel fork server early) loads only that part.
_EXPORTS = {
    "Run": ".context",
    **dict.fromkeys(["EventBus", "StatusEvent"], ".events"),
    **dict.fromkeys(["NotebookParameter", "notebook_parameters"], ".parameters_cell"),
    **dict.fromkeys(["PipelineRun", "StepRun"], ".pipeline_run"),
    "StepStatus": ".plan.preview",
    "Status": ".status",
    **dict.fromkeys(["Pipeline", "rerun", "resume", "submit"], ".submission"),
    "WarmKernels": ".warm",
}

__all__ = ["Run", "EventBus", "Status", "StatusEvent", "Pipeline", "rerun", "resume", "submit", "PipelineRun",
           "StepRun", "StepStatus", "NotebookParameter", "notebook_parameters", "WarmKernels"]

if TYPE_CHECKING:
    from .context import Run
    from .events import EventBus, StatusEvent
    from .parameters_cell import NotebookParameter, notebook_parameters
    from .pipeline_run import PipelineRun, StepRun
    from .plan.preview import StepStatus
    from .status import Status
    from .submission import Pipeline, rerun, resume, submit
    from .warm import WarmKernels


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
