"""azureml.train.hyperdrive.HyperDriveConfig: a sweep of a training script, run here as a
local sweep (drivers/hyperdrive.py) in one step; submitted alone it is a one-step pipeline."""
from __future__ import annotations

import enum
from typing import Any

from .....core.errors import PipelineError
from ....ignored import ignore
from ....missing import MissingNames, module_getattr
from .sampling import HyperParameterSampling

MAX_DURATION_MINUTES = 10080


class PrimaryMetricGoal(enum.Enum):
    MAXIMIZE = "MAXIMIZE"
    MINIMIZE = "MINIMIZE"

    @staticmethod
    def from_str(goal: str) -> "PrimaryMetricGoal":
        return PrimaryMetricGoal(goal.upper())


class HyperDriveConfig(MissingNames):
    def __init__(self, hyperparameter_sampling: HyperParameterSampling,
                 primary_metric_name: str, primary_metric_goal: Any, max_total_runs: int,
                 max_concurrent_runs: int | None = None,
                 max_duration_minutes: int = MAX_DURATION_MINUTES, policy: Any = None,
                 estimator: Any = None, run_config: Any = None, resume_from: Any = None,
                 resume_child_runs: Any = None, pipeline: Any = None,
                 debug_flag: Any = None, custom_run_id: Any = None) -> None:
        if not isinstance(hyperparameter_sampling, HyperParameterSampling):
            raise PipelineError("HyperDriveConfig: hyperparameter_sampling must be a "
                                "GridParameterSampling, RandomParameterSampling or "
                                "BayesianParameterSampling")
        if (estimator is None) == (run_config is None):
            raise PipelineError("HyperDriveConfig needs run_config=ScriptRunConfig(...) (or an "
                                "estimator), one of them")
        for name, value in (("max_total_runs", max_total_runs),
                            ("max_concurrent_runs", max_concurrent_runs or 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise PipelineError(f"HyperDriveConfig: {name} must be a whole number from 1, "
                                    f"not {value!r}")
        goal = primary_metric_goal if isinstance(primary_metric_goal, PrimaryMetricGoal) \
            else PrimaryMetricGoal.from_str(str(primary_metric_goal))
        self.sampling, self.primary_metric_name = hyperparameter_sampling, primary_metric_name
        self.primary_metric_goal = goal
        self.max_total_runs, self.max_concurrent_runs = max_total_runs, max_concurrent_runs or 1
        self.max_duration_minutes, self.policy = max_duration_minutes, policy
        self.estimator, self.run_config = estimator, run_config
        if resume_from or resume_child_runs:
            ignore("HyperDriveConfig(resume_from/resume_child_runs)")

    def script(self) -> tuple[str, str, list[Any], Any]:
        """(source folder, script, arguments, environment) of the training script."""
        if self.run_config is not None:
            c = self.run_config
            return str(c.source_directory), c.script, list(c.arguments), c.environment
        e = self.estimator
        return str(e.source_directory), e.entry_script, e.script_arguments(), \
            getattr(e, "environment", None)

    def parameter_sets(self) -> list[dict[str, Any]]:
        return self.sampling.parameter_sets(self.max_total_runs)

    def submit_from_experiment(self, experiment: Any, pipeline_parameters: dict | None = None,
                               tags: dict | None = None, regenerate_outputs: bool = False,
                               continue_on_step_failure: bool = False) -> Any:
        from ...pipeline.core.pipeline import Pipeline
        from ...pipeline.steps.hyper_drive_step import HyperDriveStep
        from .run import HyperDriveRun

        step = HyperDriveStep(name="hyperdrive", hyperdrive_config=self)
        run = Pipeline(experiment.workspace, [step]).submit_from_experiment(
            experiment, pipeline_parameters, tags, regenerate_outputs, continue_on_step_failure)
        return HyperDriveRun(run, "hyperdrive")


HyperDriveRunConfig = HyperDriveConfig
__getattr__ = module_getattr(__name__)
