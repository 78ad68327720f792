"""azureml.train.hyperdrive, run locally: a sweep of a training script over sampled
hyperparameters, each trial a process on this machine, the best found by the primary
metric."""
from ....missing import module_getattr
from .policy import (
                     BanditPolicy,
                     EarlyTerminationPolicy,
                     MedianStoppingPolicy,
                     NoTerminationPolicy,
                     TruncationSelectionPolicy,
)
from .run import HyperDriveRun, HyperDriveStepRun
from .runconfig import HyperDriveConfig, HyperDriveRunConfig, PrimaryMetricGoal
from .sampling import (
                     BayesianParameterSampling,
                     GridParameterSampling,
                     HyperParameterSampling,
                     RandomParameterSampling,
                     choice,
                     lognormal,
                     loguniform,
                     normal,
                     qlognormal,
                     qloguniform,
                     qnormal,
                     quniform,
                     randint,
                     uniform,
)

__all__ = ["BanditPolicy", "BayesianParameterSampling", "EarlyTerminationPolicy",
           "GridParameterSampling", "HyperDriveConfig", "HyperDriveRun", "HyperDriveRunConfig",
           "HyperDriveStepRun", "HyperParameterSampling", "MedianStoppingPolicy",
           "NoTerminationPolicy", "PrimaryMetricGoal", "RandomParameterSampling",
           "TruncationSelectionPolicy", "choice", "loguniform", "lognormal", "normal",
           "qloguniform", "qlognormal", "qnormal", "quniform", "randint", "uniform"]
__getattr__ = module_getattr(__name__)
