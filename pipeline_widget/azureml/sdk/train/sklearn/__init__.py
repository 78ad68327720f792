"""azureml.train.sklearn.SKLearn: an Estimator (its framework settings are ignored here)."""
from ..estimator import Estimator


class SKLearn(Estimator):
    pass


__all__ = ["SKLearn"]
