"""azureml.train.sklearn.SKLearn: an Estimator (its framework settings are ignored here)."""
from ....missing import module_getattr
from ..estimator import Estimator


class SKLearn(Estimator):
    pass


__all__ = ["SKLearn"]

__getattr__ = module_getattr(__name__)
