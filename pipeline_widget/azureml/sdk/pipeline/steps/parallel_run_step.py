"""azureml.pipeline.steps.ParallelRunStep: batch scoring in worker processes on this machine
(drivers/parallel_run.py runs the entry script), a script step of the local model."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .....core.dataset import DatasetConsumptionConfig as LocalConsumption
from .....core.errors import PipelineError
from .....core.steps import PythonScriptStep as LocalScriptStep
from ....drivers import PARALLEL_RUN
from ....missing import module_getattr
from ...core.environment import variables_of
from .base import Build, V1Step, with_environment
from .parallel_run_config import ParallelRunConfig


class ParallelRunStep(V1Step):
    def __init__(self, name: str, parallel_run_config: ParallelRunConfig, inputs: list,
                 output: Any = None, side_inputs: list | None = None,
                 arguments: list | None = None, allow_reuse: bool = True) -> None:
        if not isinstance(parallel_run_config, ParallelRunConfig):
            raise PipelineError(f"ParallelRunStep {name!r}: parallel_run_config must be a "
                                f"ParallelRunConfig")
        if len(inputs or []) != 1:
            raise PipelineError(f"ParallelRunStep {name!r}: give one input to split into mini "
                                f"batches (others go in side_inputs)")
        config = parallel_run_config
        self.config, self.output = config, output
        self.user_arguments = list(arguments or [])
        options: list[Any] = [
            "--entry", config.entry_script, "--input", inputs[0], "--kind", _kind(inputs[0]),
            "--processes", str(config.process_count_per_node),
            "--error-threshold", str(config.error_threshold),
            "--output-action", config.output_action,
            "--append-file", config.append_row_file_name]
        if config.mini_batch_size is not None:
            options += ["--mini-batch-size", str(config.mini_batch_size)]
        if output is not None:
            options += ["--output", output]
        super().__init__(name, [*inputs, *(side_inputs or [])],
                         [output] if output is not None else [],
                         [*options, "--", *self.user_arguments], allow_reuse,
                         config.compute_target, None)
        self.environment_variables = {**variables_of(config.environment),
                                      **config.environment_variables}

    def to_local(self, build: Build) -> LocalScriptStep:
        inputs, outputs, arguments = self.local_data(build)
        return with_environment(
            LocalScriptStep, self.local_environment(inputs), name=build.names[id(self)],
            script_name=str(PARALLEL_RUN),
            source_directory=Path(self.config.source_directory).absolute(),
            arguments=arguments, inputs=inputs, outputs=outputs, allow_reuse=self.allow_reuse,
            snapshot=True)


def _kind(item: Any) -> str:
    dataset = getattr(item, "dataset", None) if isinstance(item, LocalConsumption) else None
    return getattr(dataset, "kind", "file") if dataset is not None else \
        ("tabular" if getattr(item, "tabular", False) else "file")


__all__ = ["ParallelRunStep"]
__getattr__ = module_getattr(__name__)
