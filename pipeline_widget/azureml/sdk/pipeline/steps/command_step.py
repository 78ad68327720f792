"""azureml.pipeline.steps.CommandStep (and ScriptRunConfig(command=...)): a command line run
in the source folder, a command step of the local model. v1's command is a string, or a list
of strings and data (PipelineData, datasets, PipelineParameters) that stand for their paths
and values; here each of those becomes a `{name}` reference of the local command."""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from .....core.dataset import DatasetConsumptionConfig as LocalConsumption
from .....core.errors import PipelineError
from .....core.pipeline_data import PipelineData, PipelineParameter
from .....core.steps.command import CommandStep as LocalCommandStep
from ....ignored import ignore_all
from ....missing import module_getattr
from .base import Build, V1Step, with_environment


class CommandStep(V1Step):
    def __init__(self, command: Any = None, name: str | None = None, compute_target: Any = None,
                 runconfig: Any = None, runconfig_pipeline_params: Any = None,
                 inputs: list | None = None, outputs: list | None = None,
                 params: dict | None = None, source_directory: str | None = None,
                 allow_reuse: bool = True, version: str | None = None) -> None:
        command = command if command is not None else getattr(runconfig, "command", None)
        if not command:
            raise PipelineError("CommandStep needs command=... (a command line, or a list of "
                                "its words and data) or a ScriptRunConfig(command=...)")
        words = shlex.split(command) if isinstance(command, str) else list(command)
        source = source_directory or getattr(runconfig, "source_directory", None) or "."
        environment = getattr(runconfig, "environment", None)
        super().__init__(name or str(words[0]), inputs, outputs, words, allow_reuse,
                         compute_target or getattr(runconfig, "compute_target", None),
                         environment)
        self.source_directory = Path(source).absolute()
        ignore_all("CommandStep", compute_target=compute_target,
                   runconfig_pipeline_params=runconfig_pipeline_params, params=params)

    def to_local(self, build: Build) -> LocalCommandStep:
        inputs, outputs, words = self.local_data(build)
        parameters = [w for w in words if isinstance(w, PipelineParameter)]
        command = " ".join(
            f"{{{w.name}}}" if isinstance(w, (PipelineData, PipelineParameter, LocalConsumption))
            else shlex.quote(str(w)) for w in words)
        return with_environment(
            LocalCommandStep, self.local_environment(inputs), name=build.names[id(self)],
            command=command, source_directory=self.source_directory,
            inputs=[i for i in inputs if not isinstance(i, PipelineParameter)],
            outputs=outputs, parameters=[*parameters, *(
                i for i in inputs if isinstance(i, PipelineParameter)
                and not any(i is p for p in parameters))],
            allow_reuse=self.allow_reuse)


__all__ = ["CommandStep"]
__getattr__ = module_getattr(__name__)
