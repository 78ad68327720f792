"""azureml.pipeline.steps.PythonScriptStep: a script step of the local model, run as v1
runs it (in a snapshot of its source folder, with ./outputs and ./logs kept)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .....core.steps import PythonScriptStep as LocalScriptStep
from ....drivers import FILE_OUTPUTS
from ....ignored import ignore, ignore_all
from ....missing import module_getattr
from .base import Build, V1Step, with_environment


class PythonScriptStep(V1Step):
    def __init__(self, script_name: str, name: str | None = None, arguments: list | None = None,
                 compute_target: Any = None, runconfig: Any = None,
                 runconfig_pipeline_params: Any = None, inputs: list | None = None,
                 outputs: list | None = None, params: dict | None = None,
                 source_directory: str | os.PathLike | None = None, allow_reuse: bool = True,
                 version: str | None = None, hash_paths: list | None = None,
                 environment: Any = None) -> None:
        super().__init__(name or script_name, inputs, outputs, arguments, allow_reuse,
                         compute_target, environment or getattr(runconfig, "environment", None))
        self.script_name = script_name
        self.source_directory = (Path(source_directory).absolute()
                                 if source_directory is not None else None)
        ignore_all("PythonScriptStep", compute_target=compute_target,
                   runconfig_pipeline_params=runconfig_pipeline_params, params=params,
                   hash_paths=hash_paths)
        if runconfig is not None:
            ignore("RunConfiguration")
        if version:
            ignore("PythonScriptStep(version=...)")

    def folder(self, build: Build) -> Path:
        return self.source_directory or Path(build.default_source_directory or ".").absolute()

    def to_local(self, build: Build) -> LocalScriptStep:
        inputs, outputs, arguments = self.local_data(build)
        script = self.script_name
        files = [f"{i}={a.name}" for i, a in enumerate(arguments)
                 if getattr(a, "is_directory", None) is False]
        if files:   # a file in v1: its path inside the folder the runner makes
            arguments = ["--script", script, *(x for f in files for x in ("--file", f)),
                         "--", *arguments]
            script = str(FILE_OUTPUTS)
        return with_environment(
            LocalScriptStep, self.local_environment(inputs), name=build.names[id(self)],
            script_name=script, source_directory=self.folder(build),
            arguments=arguments, inputs=inputs, outputs=outputs, allow_reuse=self.allow_reuse,
            snapshot=True)


__getattr__ = module_getattr(__name__)
