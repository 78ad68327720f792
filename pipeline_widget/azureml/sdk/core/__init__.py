"""azureml.core, run locally: Workspace, Datastore, Dataset, Experiment, Run and the
settings that have no local meaning."""
from ....core.dataset import DatasetConsumptionConfig
from .compute import ComputeTarget
from .dataset import Dataset
from .datastore import Datastore
from .environment import Environment
from .experiment import Experiment
from .run import Run
from .runconfig import RunConfiguration
from .script_run_config import ScriptRunConfig
from .workspace import Workspace

__all__ = ["ComputeTarget", "Dataset", "DatasetConsumptionConfig", "Datastore", "Environment",
           "Experiment", "Run", "RunConfiguration", "ScriptRunConfig", "Workspace"]
