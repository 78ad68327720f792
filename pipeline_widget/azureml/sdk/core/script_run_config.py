"""azureml.core.ScriptRunConfig: a single script run, run here as a one-step pipeline."""
from __future__ import annotations

from typing import Any

from ...ignored import ignore_all


class ScriptRunConfig:
    def __init__(self, source_directory: str = ".", script: str | None = None,
                 arguments: list | None = None, run_config: Any = None,
                 compute_target: Any = None, environment: Any = None,
                 docker_runtime_config: Any = None, **ignored: Any) -> None:
        self.source_directory = source_directory
        self.script = script
        self.arguments = list(arguments or [])
        ignore_all("ScriptRunConfig", run_config=run_config, compute_target=compute_target,
                   environment=environment, docker_runtime_config=docker_runtime_config)
