"""azureml.pipeline.steps.ModuleStep: a published module's script run as a script step, its
ports bound to the data of inputs_map and outputs_map."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from ....missing import module_getattr
from ..core.module import Module, ModuleVersion
from .python_script_step import PythonScriptStep


class ModuleStep(PythonScriptStep):
    def __init__(self, module: Module | None = None, version: str | None = None,
                 module_version: ModuleVersion | None = None, inputs_map: dict | None = None,
                 outputs_map: dict | None = None, compute_target: Any = None,
                 runconfig: Any = None, runconfig_pipeline_params: Any = None,
                 arguments: list | None = None, params: dict | None = None,
                 name: str | None = None, _workflow_provider: Any = None) -> None:
        if (module is None) == (module_version is None):
            raise PipelineError("ModuleStep needs module=... or module_version=..., one of them")
        chosen = module_version or module.resolve(version)  # type: ignore[union-attr]
        bound = {**(inputs_map or {}), **(outputs_map or {})}
        for port in [*chosen.inputs, *chosen.outputs]:
            if port not in bound:
                raise PipelineError(f"ModuleStep {name or chosen.module.name!r}: port {port!r} "
                                    f"of the module is not in inputs_map or outputs_map")

        def value(arg: Any) -> Any:
            return bound[arg["port"]] if isinstance(arg, dict) else arg

        super().__init__(script_name=chosen.script_name, name=name or chosen.module.name,
                         arguments=[*(value(a) for a in chosen.arguments), *(arguments or [])],
                         compute_target=compute_target, runconfig=runconfig,
                         inputs=[bound[p] for p in chosen.inputs],
                         outputs=[bound[p] for p in chosen.outputs],
                         source_directory=Path(chosen.source_directory), params=params)


__all__ = ["ModuleStep"]
__getattr__ = module_getattr(__name__)
