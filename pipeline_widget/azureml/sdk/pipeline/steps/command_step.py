"""azureml.pipeline.steps.CommandStep: a command line run in the source folder. It needs
the local model's command step kind; until that is there it says so."""
from __future__ import annotations

from typing import Any

from ....missing import module_getattr, no_local_version
from .base import V1Step


class CommandStep(V1Step):
    def __init__(self, command: Any = None, name: str | None = None, compute_target: Any = None,
                 runconfig: Any = None, runconfig_pipeline_params: Any = None,
                 inputs: list | None = None, outputs: list | None = None,
                 params: dict | None = None, source_directory: str | None = None,
                 allow_reuse: bool = True, version: str | None = None) -> None:
        no_local_version("CommandStep (and ScriptRunConfig(command=...))",
                         "run the command from a PythonScriptStep's script (subprocess.run) "
                         "until command steps are available here")


__getattr__ = module_getattr(__name__)
