"""azureml.pipeline.steps: v1's step kinds, as steps of the local model."""
from ....missing import module_getattr
from .estimator_step import EstimatorStep
from .python_script_step import PythonScriptStep

__all__ = ["EstimatorStep", "PythonScriptStep"]
__getattr__ = module_getattr(__name__)
