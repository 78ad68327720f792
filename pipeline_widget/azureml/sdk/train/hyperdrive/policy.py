"""Early termination policies of azureml.train.hyperdrive: accepted; here every trial runs
to its end (there is no service watching the trials' metrics as they are logged)."""
from __future__ import annotations

from typing import Any

from ....ignored import ignore
from ....missing import MissingNames, module_getattr


class EarlyTerminationPolicy(MissingNames):
    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        if type(self).__name__ != "NoTerminationPolicy":
            ignore(f"{type(self).__name__} (every trial runs to its end)")


class BanditPolicy(EarlyTerminationPolicy):
    def __init__(self, evaluation_interval: int = 1, slack_factor: float | None = None,
                 slack_amount: float | None = None, delay_evaluation: int = 0) -> None:
        super().__init__(evaluation_interval=evaluation_interval, slack_factor=slack_factor,
                         slack_amount=slack_amount, delay_evaluation=delay_evaluation)


class MedianStoppingPolicy(EarlyTerminationPolicy):
    def __init__(self, evaluation_interval: int = 1, delay_evaluation: int = 0) -> None:
        super().__init__(evaluation_interval=evaluation_interval,
                         delay_evaluation=delay_evaluation)


class TruncationSelectionPolicy(EarlyTerminationPolicy):
    def __init__(self, truncation_percentage: int, evaluation_interval: int = 1,
                 delay_evaluation: int = 0, exclude_finished_jobs: bool = False) -> None:
        super().__init__(truncation_percentage=truncation_percentage,
                         evaluation_interval=evaluation_interval,
                         delay_evaluation=delay_evaluation)


class NoTerminationPolicy(EarlyTerminationPolicy):
    def __init__(self) -> None:
        super().__init__()


__getattr__ = module_getattr(__name__)
