"""azureml.core, run locally: Workspace, Datastore, Dataset, Experiment, Run, Model,
Environment, compute targets and run configurations."""
from ...missing import module_getattr
from .compute import ComputeTarget
from .dataset import Dataset
from .datastore import Datastore
from .environment import Environment
from .experiment import Experiment
from .model import Model
from .run import Run, get_run
from .runconfig import RunConfiguration
from .script_run_config import ScriptRunConfig
from .workspace import Workspace

VERSION = "1.48.0"   # the v1 release whose signatures this local version follows
__version__ = VERSION

__all__ = ["ComputeTarget", "Dataset", "Datastore", "Environment", "Experiment", "Model",
           "Run", "RunConfiguration", "ScriptRunConfig", "VERSION", "Workspace", "get_run"]
__getattr__ = module_getattr(__name__)
