"""The model: pure Python, no Jupyter, nothing from run/ or widget/."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy_exports import lazy_exports

# Each name from the module that defines it, loaded on first use: a command that needs one
# part of the model (the workspace's folders) does not load the rest.
_EXPORTS = {
    **dict.fromkeys(["Dataset", "DatasetConsumptionConfig"], ".dataset"),
    "Datastore": ".datastore",
    "PipelineError": ".errors",
    "PipelineModel": ".pipeline",
    **dict.fromkeys(["PipelineData", "PipelineParameter"], ".pipeline_data"),
    **dict.fromkeys(["CommandStep", "NotebookStep", "PythonScriptStep", "Step"], ".steps"),
    "Problem": ".validation",
    "Workspace": ".workspace",
}

__all__ = ["Dataset", "DatasetConsumptionConfig", "Datastore", "PipelineError", "PipelineModel",
           "PipelineData", "PipelineParameter", "NotebookStep", "PythonScriptStep", "CommandStep", "Step",
           "Problem", "Workspace"]

if TYPE_CHECKING:
    from .dataset import Dataset, DatasetConsumptionConfig
    from .datastore import Datastore
    from .errors import PipelineError
    from .pipeline import PipelineModel
    from .pipeline_data import PipelineData, PipelineParameter
    from .steps import CommandStep, NotebookStep, PythonScriptStep, Step
    from .validation import Problem
    from .workspace import Workspace


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
