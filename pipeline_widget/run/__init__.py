"""Execution: plans, executors, reuse cache, run records and the status event stream.

Imports core/; nothing from widget/. Never prints by itself.
"""
from .context import Run
from .events import EventBus, Status, StatusEvent
from .pipeline import Pipeline, submit
from .pipeline_run import PipelineRun, StepRun

__all__ = ["Run", "EventBus", "Status", "StatusEvent", "Pipeline", "submit", "PipelineRun",
           "StepRun"]
