"""azureml.pipeline.steps: PythonScriptStep and EstimatorStep, as this project's script
steps."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .....core.dataset import DatasetConsumptionConfig
from .....core.pipeline_data import PipelineData, PipelineParameter
from .....core.steps import PythonScriptStep as LocalScriptStep
from ....ignored import ignore, ignore_all
from ...data.output_dataset_config import InputOf, OutputFileDatasetConfig


class PythonScriptStep:
    """A v1 script step: kept as given until its pipeline is built (`to_local`)."""

    def __init__(self, script_name: str, name: str | None = None, arguments: list | None = None,
                 compute_target: Any = None, runconfig: Any = None,
                 runconfig_pipeline_params: Any = None, inputs: list | None = None,
                 outputs: list | None = None, params: dict | None = None,
                 source_directory: str | os.PathLike | None = None, allow_reuse: bool = True,
                 version: str | None = None, hash_paths: list | None = None, **ignored: Any) -> None:
        self.name = name or script_name
        self.script_name = script_name
        self.arguments = list(arguments or [])
        self.inputs = list(inputs or [])
        self.outputs = list(outputs or [])
        self.source_directory = (Path(source_directory).absolute()
                                 if source_directory is not None else None)
        self.allow_reuse = allow_reuse
        self.compute_target_name = (compute_target if isinstance(compute_target, str) or
                                    compute_target is None else getattr(compute_target, "name", None))
        self.extra_inputs: list[PipelineData] = []    # run-after links of a StepSequence
        self.extra_outputs: list[PipelineData] = []
        ignore_all("PythonScriptStep", compute_target=compute_target, runconfig=runconfig,
                   runconfig_pipeline_params=runconfig_pipeline_params, params=params,
                   hash_paths=hash_paths, **ignored)
        if version:
            ignore("PythonScriptStep(version=...)")

    def to_local(self, default_source_directory: str | None = None) -> LocalScriptStep:
        inputs: list[Any] = []
        outputs: list[PipelineData] = []

        def add(items: list, item: Any) -> None:
            if not any(item is x for x in items):
                items.append(item)

        def argument(arg: Any) -> Any:
            if isinstance(arg, InputOf):
                add(inputs, arg.output)
                return arg.output
            if isinstance(arg, OutputFileDatasetConfig):
                if not any(arg is i for i in inputs):
                    add(outputs, arg)
                return arg
            if isinstance(arg, DatasetConsumptionConfig):
                add(inputs, arg)
                return arg
            if isinstance(arg, (PipelineData, PipelineParameter, str, int, float)) \
                    and not isinstance(arg, bool):
                return arg
            return str(arg)

        for item in self.inputs:
            add(inputs, item.output if isinstance(item, InputOf) else item)
        for item in self.outputs:
            add(outputs, item)
        arguments = [argument(a) for a in self.arguments]
        for link in self.extra_inputs:
            add(inputs, link)
        for link in self.extra_outputs:
            add(outputs, link)
        folder = self.source_directory or Path(default_source_directory or ".").absolute()
        return LocalScriptStep(name=self.name, script_name=self.script_name,
                               source_directory=folder, arguments=arguments, inputs=inputs,
                               outputs=outputs, allow_reuse=self.allow_reuse, snapshot=True)


class EstimatorStep(PythonScriptStep):
    """Runs the estimator's entry script from its source directory."""

    def __init__(self, name: str | None = None, estimator: Any = None,
                 estimator_entry_script_arguments: list | None = None,
                 runconfig_pipeline_params: Any = None, inputs: list | None = None,
                 outputs: list | None = None, compute_target: Any = None,
                 allow_reuse: bool = True, version: str | None = None) -> None:
        if estimator is None:
            raise TypeError("EstimatorStep needs estimator=...")
        super().__init__(script_name=estimator.entry_script, name=name,
                         arguments=[*estimator.script_arguments(),
                                    *(estimator_entry_script_arguments or [])],
                         compute_target=compute_target or estimator.compute_target,
                         runconfig_pipeline_params=runconfig_pipeline_params, inputs=inputs,
                         outputs=outputs, source_directory=estimator.source_directory,
                         allow_reuse=allow_reuse, version=version)


__all__ = ["PythonScriptStep", "EstimatorStep"]
