"""azureml.pipeline.steps: v1's step kinds, as steps of the local model."""
from ....missing import module_getattr
from .command_step import CommandStep
from .estimator_step import EstimatorStep
from .hyper_drive_step import HyperDriveStep, HyperDriveStepRun
from .module_step import ModuleStep
from .parallel_run_config import ParallelRunConfig
from .parallel_run_step import ParallelRunStep
from .python_script_step import PythonScriptStep

__all__ = ["CommandStep", "EstimatorStep", "HyperDriveStep", "HyperDriveStepRun",
           "ModuleStep", "ParallelRunConfig", "ParallelRunStep", "PythonScriptStep"]
__getattr__ = module_getattr(__name__)
