"""pipeline-widget: draw pipelines of notebooks and scripts linked by PipelineData, run them
locally with step reuse, and watch them run."""
from .core import (
    CommandStep,
    Dataset,
    Datastore,
    NotebookStep,
    PipelineData,
    PipelineError,
    PipelineParameter,
    Problem,
    PythonScriptStep,
    Workspace,
)
from .run import Pipeline, PipelineRun, Run, Status, StatusEvent, StepRun

__version__ = "0.1.0"

__all__ = ["Workspace", "Datastore", "Dataset", "PipelineData", "PipelineParameter",
           "NotebookStep", "PythonScriptStep", "CommandStep", "Pipeline", "Run", "PipelineDesigner",
           "PipelineRun", "StepRun", "Status", "StatusEvent", "PipelineError", "Problem"]


def __getattr__(name: str):
    # The designer pulls in ipywidgets; load it only when asked for.
    if name == "PipelineDesigner":
        from .widget import PipelineDesigner

        return PipelineDesigner
    raise AttributeError(f"module 'pipeline_widget' has no attribute {name!r}")
