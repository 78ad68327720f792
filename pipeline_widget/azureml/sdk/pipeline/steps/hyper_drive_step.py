"""azureml.pipeline.steps.HyperDriveStep: a local sweep in one step (drivers/hyperdrive.py):
the training script runs once per sampled parameter set, at most max_concurrent_runs at
once; the best trial by the primary metric is reported, its model (TrainingOutput "Model")
and every trial's metrics (metrics_output) handed to later steps."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from .....core.steps import PythonScriptStep as LocalScriptStep
from ....drivers import HYPERDRIVE
from ....missing import module_getattr
from ...train.hyperdrive.run import HyperDriveStepRun
from ...train.hyperdrive.runconfig import HyperDriveConfig
from .base import Build, V1Step, with_environment


class HyperDriveStep(V1Step):
    def __init__(self, name: str, hyperdrive_config: HyperDriveConfig,
                 estimator_entry_script_arguments: list | None = None,
                 inputs: list | None = None, outputs: list | None = None,
                 metrics_output: Any = None, allow_reuse: bool = True,
                 version: str | None = None) -> None:
        if not isinstance(hyperdrive_config, HyperDriveConfig):
            raise PipelineError(f"HyperDriveStep {name!r}: hyperdrive_config must be a "
                                f"HyperDriveConfig")
        config = hyperdrive_config
        self.config = config
        self.source_directory, script, script_args, environment = config.script()
        model = next((o for o in outputs or []
                      if getattr(getattr(o, "training_output", None), "type", "") == "Model"),
                     None)
        options: list[Any] = [
            "--script", script, "--primary-metric", config.primary_metric_name,
            "--goal", config.primary_metric_goal.value,
            "--max-concurrent", str(config.max_concurrent_runs),
            "--parameter-sets", json.dumps(config.parameter_sets())]
        if metrics_output is not None:
            options += ["--metrics-output", metrics_output]
        if model is not None:
            options += ["--model-output", model, "--model-file",
                        model.training_output.model_file or "outputs"]
        all_outputs = [*(outputs or []), *([metrics_output] if metrics_output is not None
                                           else [])]
        super().__init__(name, inputs, all_outputs,
                         [*options, "--", *script_args,
                          *(estimator_entry_script_arguments or [])],
                         allow_reuse, None, environment)

    def to_local(self, build: Build) -> LocalScriptStep:
        inputs, outputs, arguments = self.local_data(build)
        return with_environment(
            LocalScriptStep, self.local_environment(inputs), name=build.names[id(self)],
            script_name=str(HYPERDRIVE), source_directory=Path(self.source_directory).absolute(),
            arguments=arguments, inputs=inputs, outputs=outputs, allow_reuse=self.allow_reuse,
            snapshot=True)


__all__ = ["HyperDriveStep", "HyperDriveStepRun"]
__getattr__ = module_getattr(__name__)
