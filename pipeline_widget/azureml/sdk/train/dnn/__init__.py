"""azureml.train.dnn: PyTorch, TensorFlow and Chainer estimators, as Estimators (what an
EstimatorStep runs: their entry script from their source folder; the framework settings
describe cloud images and are noted as ignored)."""
from ....missing import module_getattr
from ..estimator import Estimator


class PyTorch(Estimator):
    pass


class TensorFlow(Estimator):
    pass


class Chainer(Estimator):
    pass


__all__ = ["Chainer", "PyTorch", "TensorFlow"]
__getattr__ = module_getattr(__name__)
