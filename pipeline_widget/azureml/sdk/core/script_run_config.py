"""azureml.core.ScriptRunConfig: a single script (or command) run, run here as a one-step
pipeline; its environment's variables reach the script."""
from __future__ import annotations

from typing import Any

from ....core.errors import PipelineError
from ...ignored import ignore, ignore_all
from ...missing import MissingNames, module_getattr


class ScriptRunConfig(MissingNames):
    def __init__(self, source_directory: str = ".", script: str | None = None,
                 arguments: list | None = None, run_config: Any = None,
                 _telemetry_values: Any = None, compute_target: Any = None,
                 environment: Any = None, distributed_job_config: Any = None,
                 resume_from: Any = None, max_run_duration_seconds: int | None = None,
                 command: Any = None, docker_runtime_config: Any = None) -> None:
        self.source_directory = source_directory
        self.script = script
        self.command = command
        self.arguments = list(arguments or [])
        self.run_config = run_config
        self.environment = environment or getattr(run_config, "environment", None)
        self.compute_target = compute_target
        ignore_all("ScriptRunConfig", compute_target=compute_target,
                   distributed_job_config=distributed_job_config,
                   docker_runtime_config=docker_runtime_config)
        if environment is not None:
            ignore("Environment packages and Docker settings")  # as environment.PACKAGES

    def as_step(self, name: str | None = None, inputs: list | None = None,
                outputs: list | None = None, arguments: list | None = None) -> Any:
        """The step this configuration runs: its script, or its command line."""
        if self.command:
            from ..pipeline.steps.command_step import CommandStep

            return CommandStep(name=name, runconfig=self, inputs=inputs, outputs=outputs,
                               source_directory=self.source_directory)
        if not self.script:
            raise PipelineError("ScriptRunConfig needs script=... (the script to run) or "
                                "command=... (a command line)")
        from ..pipeline.steps import PythonScriptStep

        return PythonScriptStep(script_name=self.script, name=name,
                                source_directory=self.source_directory,
                                arguments=[*self.arguments, *(arguments or [])], inputs=inputs,
                                outputs=outputs, compute_target=self.compute_target,
                                environment=self.environment)


__getattr__ = module_getattr(__name__)
