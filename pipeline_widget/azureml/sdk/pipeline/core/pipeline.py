"""azureml.pipeline.core.Pipeline: v1 steps turned into this project's model, then run by
the local runner (or exported as a pipeline file)."""
from __future__ import annotations

from typing import Any

from .....core.errors import PipelineError
from .....core.names import suggest_identifier
from .....core.pipeline_data import PipelineData as LocalPipelineData
from .....run.submission import Pipeline as LocalPipeline
from .... import export
from ....ignored import ignore
from .graph import StepSequence


def _order_after(steps: list[Any]) -> dict[int, list[Any]]:
    """For a StepSequence: each step's extra inputs, hidden data written by the step before
    it, so that the runner keeps the order (v1 has run-after links; this model has data)."""
    after: dict[int, list[Any]] = {}
    for before, step in zip(steps, steps[1:]):
        link = LocalPipelineData(f"after_{suggest_identifier(before.name)}")
        before.extra_outputs.append(link)
        after.setdefault(id(step), []).append(link)
    return after


class Pipeline:
    def __init__(self, workspace: Any, steps: Any, description: str | None = None,
                 default_datastore: Any = None, default_source_directory: str | None = None,
                 resolve_closure: bool = True, _workflow_provider: Any = None,
                 _service_endpoint: Any = None, **ignored: Any) -> None:
        self.workspace = workspace
        self.description = description or ""
        self.default_source_directory = default_source_directory
        if default_datastore is not None:
            ignore("Pipeline(default_datastore=...)")
        self.v1_steps = self._flatten(steps)
        export.built(self)

    def _flatten(self, steps: Any) -> list[Any]:
        found: list[Any] = []
        groups = [steps] if isinstance(steps, StepSequence) else list(
            steps if isinstance(steps, (list, tuple)) else [steps])
        for item in groups:
            if isinstance(item, StepSequence):
                for step in item.steps:
                    step.extra_outputs.clear()
                    step.extra_inputs.clear()
                order = _order_after(item.steps)
                for step in item.steps:
                    step.extra_inputs.extend(order.get(id(step), []))
                found.extend(item.steps)
            else:
                found.append(item)
        return found

    def local_pipeline(self, name: str = "pipeline") -> LocalPipeline:
        """This pipeline in the project's own model."""
        steps = [s.to_local(self.default_source_directory) for s in self.v1_steps]
        return LocalPipeline(self.workspace, steps, description=self.description, name=name)

    def validate(self) -> list[str]:
        return [str(p) for p in self.local_pipeline().validate() if not p.warning]

    def executor(self) -> str | None:
        """The executor the steps' compute targets are mapped to in the workspace; local
        when none is mapped, or when the steps name different executors."""
        mapping = getattr(self.workspace, "compute_targets", {})
        chosen = {mapping.get(s.compute_target_name) for s in self.v1_steps}
        chosen.discard(None)
        if len(chosen) > 1:
            ignore("different executors for different compute targets (all run locally)")
            return None
        return chosen.pop() if chosen else None

    def submit_local(self, experiment: str, pipeline_parameters: dict | None,
                     regenerate_outputs: bool, continue_on_step_failure: bool):
        return self.local_pipeline(name=experiment).submit(
            experiment, pipeline_parameters=pipeline_parameters,
            regenerate_outputs=regenerate_outputs,
            continue_on_step_failure=continue_on_step_failure, executor=self.executor())

    def export_and_stop(self) -> None:
        path = export.save(self)
        raise export.Exported(f"saved the pipeline to {path} (not run)")

    def publish(self, *args: Any, **kwargs: Any) -> "Pipeline":
        ignore("Pipeline.publish")
        return self


def pipeline_of_script(workspace: Any, config: Any) -> Pipeline:
    """A ScriptRunConfig as a one-step pipeline."""
    from ..steps import PythonScriptStep

    if not config.script:
        raise PipelineError("ScriptRunConfig needs script=...: the script to run")
    step = PythonScriptStep(script_name=config.script, source_directory=config.source_directory,
                            arguments=config.arguments)
    return Pipeline(workspace, [step])
