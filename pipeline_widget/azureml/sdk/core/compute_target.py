"""azureml.core.compute_target: v1 code imports ComputeTargetException from here."""
from ...missing import module_getattr
from ..exceptions import ComputeTargetException

__all__ = ["ComputeTargetException"]
__getattr__ = module_getattr(__name__)
