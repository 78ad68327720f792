"""The model: pure Python, no Jupyter, nothing from run/ or widget/."""
from .dataset import Dataset, DatasetConsumptionConfig
from .datastore import Datastore
from .errors import PipelineError
from .pipeline import PipelineModel
from .pipeline_data import PipelineData, PipelineParameter
from .steps import CommandStep, NotebookStep, PythonScriptStep, Step
from .validation import Problem
from .workspace import Workspace

__all__ = ["Dataset", "DatasetConsumptionConfig", "Datastore", "PipelineError", "PipelineModel",
           "PipelineData", "PipelineParameter", "NotebookStep", "PythonScriptStep", "CommandStep", "Step",
           "Problem", "Workspace"]
