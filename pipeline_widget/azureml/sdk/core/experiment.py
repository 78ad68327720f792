"""azureml.core.Experiment: submitting a pipeline (or a ScriptRunConfig) runs it here."""
from __future__ import annotations

from typing import Any

from ....core.errors import PipelineError
from ...ignored import warn_once
from ..pipeline.core.run import PipelineRun


class Experiment:
    def __init__(self, workspace: Any, name: str, **ignored: Any) -> None:
        self.workspace = workspace
        self.name = name

    def submit(self, config: Any, tags: dict | None = None, pipeline_parameters: dict | None = None,
               regenerate_outputs: bool = False, continue_on_step_failure: bool = False,
               **ignored: Any) -> PipelineRun:
        """Run a Pipeline (or a ScriptRunConfig, as a one-step pipeline) in this workspace."""
        from ..pipeline.core.pipeline import Pipeline, pipeline_of_script

        if not isinstance(config, Pipeline):
            if type(config).__name__ != "ScriptRunConfig":
                raise PipelineError(f"Experiment.submit takes a Pipeline or a ScriptRunConfig, "
                                    f"not {type(config).__name__}")
            config = pipeline_of_script(self.workspace, config)
        from ...export import exporting

        if exporting():
            config.export_and_stop()
        warn_once()
        return PipelineRun(config.submit_local(self.name, pipeline_parameters,
                                               regenerate_outputs, continue_on_step_failure),
                           self)

    def __repr__(self) -> str:
        return f"Experiment({self.name!r})"
