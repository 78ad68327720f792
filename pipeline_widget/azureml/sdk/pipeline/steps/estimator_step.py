"""azureml.pipeline.steps.EstimatorStep: runs the estimator's entry script from its source
directory, with its script_params before the step's own arguments."""
from __future__ import annotations

from typing import Any

from ....missing import module_getattr
from .python_script_step import PythonScriptStep


class EstimatorStep(PythonScriptStep):
    def __init__(self, name: str | None = None, estimator: Any = None,
                 estimator_entry_script_arguments: list | None = None,
                 runconfig_pipeline_params: Any = None, inputs: list | None = None,
                 outputs: list | None = None, compute_target: Any = None,
                 allow_reuse: bool = True, version: str | None = None) -> None:
        if estimator is None:
            from .....core.errors import PipelineError

            raise PipelineError("EstimatorStep needs estimator=...: the Estimator to run")
        super().__init__(script_name=estimator.entry_script, name=name,
                         arguments=[*estimator.script_arguments(),
                                    *(estimator_entry_script_arguments or [])],
                         compute_target=compute_target or estimator.compute_target,
                         runconfig_pipeline_params=runconfig_pipeline_params, inputs=inputs,
                         outputs=outputs, source_directory=estimator.source_directory,
                         allow_reuse=allow_reuse, version=version,
                         environment=getattr(estimator, "environment", None))


__getattr__ = module_getattr(__name__)
