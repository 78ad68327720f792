"""pipeline-widget: draw pipelines of notebooks and scripts linked by PipelineData, run them
locally with step reuse, and watch them run."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .core.lazy_exports import lazy_exports

__version__ = "0.1.0"

# The public API, each name from the layer that defines it. Loaded on first use, so that a
# command that needs little (`pipeline-widget --help`, `runs`) imports little.
_EXPORTS = {
    **dict.fromkeys(["CommandStep", "Dataset", "Datastore", "NotebookStep", "PipelineData",
                     "PipelineError", "PipelineParameter", "Problem", "PythonScriptStep",
                     "Workspace"], ".core"),
    **dict.fromkeys(["Pipeline", "PipelineRun", "Run", "Status", "StatusEvent", "StepRun"],
                    ".run"),
    "PipelineDesigner": ".widget",   # pulls in ipywidgets
}

__all__ = ["Workspace", "Datastore", "Dataset", "PipelineData", "PipelineParameter",
           "NotebookStep", "PythonScriptStep", "CommandStep", "Pipeline", "Run", "PipelineDesigner",
           "PipelineRun", "StepRun", "Status", "StatusEvent", "PipelineError", "Problem"]

if TYPE_CHECKING:
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
    from .widget import PipelineDesigner


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
