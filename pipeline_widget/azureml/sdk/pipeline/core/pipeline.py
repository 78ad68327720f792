"""azureml.pipeline.core.Pipeline: v1 steps turned into this project's model, then run by
the local runner (or exported as a pipeline file, or published in the workspace).

v1 builds the graph from what it is given: the steps listed, and (resolve_closure) every
step that produces their data or that they run after. It allows two steps of one name;
here the second gets a suffix (" (2)"), so that runs record each."""
from __future__ import annotations

from typing import Any

from .....core.names import suggest_identifier
from .....core.pipeline_data import PipelineData as LocalPipelineData
from .....run.submission import Pipeline as LocalPipeline
from .... import export
from ....ignored import ignore
from ....missing import MissingNames, module_getattr
from .graph import StepSequence


class Pipeline(MissingNames):
    def __init__(self, workspace: Any, steps: Any, description: str | None = None,
                 default_datastore: Any = None, default_source_directory: str | None = None,
                 resolve_closure: bool = True, _workflow_provider: Any = None,
                 _service_endpoint: Any = None, **kwargs: Any) -> None:
        self.workspace = workspace
        self.description = description or ""
        self.default_source_directory = default_source_directory
        if default_datastore is not None:
            ignore("Pipeline(default_datastore=...)")
        self.sequences: list[list[Any]] = []
        self.v1_steps = self._closure(self._flatten(steps), resolve_closure)
        export.built(self)

    def _flatten(self, steps: Any) -> list[Any]:
        found: list[Any] = []
        items = steps.steps if isinstance(steps, StepSequence) else (
            steps if isinstance(steps, (list, tuple)) else [steps])
        if isinstance(steps, StepSequence):
            self.sequences.append(list(steps.steps))
        for item in items:
            if isinstance(item, StepSequence):
                self.sequences.append(list(item.steps))
                found.extend(item.steps)
            elif isinstance(item, (list, tuple)):
                found.extend(self._flatten(item))
            else:
                found.append(item)
        return found

    @staticmethod
    def _closure(steps: list[Any], resolve: bool) -> list[Any]:
        """`steps` and, with `resolve`, every step upstream of them, producers first."""
        ordered: list[Any] = []

        def visit(step: Any) -> None:
            if any(step is s for s in ordered):
                return
            if resolve:
                for before in step.upstream():
                    visit(before)
            ordered.append(step)

        for step in steps:
            visit(step)
        return ordered

    # -- the local model ---------------------------------------------------------------
    def build(self, values: dict[str, Any] | None = None) -> Any:
        from ...pipeline.steps.base import Build

        build = Build(values, self.default_source_directory)
        seen: dict[str, int] = {}
        for step in self.v1_steps:
            seen[step.name] = seen.get(step.name, 0) + 1
            build.names[id(step)] = step.name if seen[step.name] == 1 else \
                f"{step.name} ({seen[step.name]})"
        pairs = [(a, b) for seq in self.sequences for a, b in zip(seq, seq[1:])]
        pairs += [(before, step) for step in self.v1_steps for before in step.after]
        for before, step in pairs:
            link = LocalPipelineData(f"after_{suggest_identifier(build.names[id(before)])}")
            build.after_outputs.setdefault(id(before), []).append(link)
            build.after_inputs.setdefault(id(step), []).append(link)
        return build

    def local_pipeline(self, name: str = "pipeline", values: dict[str, Any] | None = None
                       ) -> LocalPipeline:
        """This pipeline in the project's own model (`values`: parameters chosen at submit,
        for the dataset parameters that decide a step's inputs)."""
        build = self.build(values)
        steps = [s.to_local(build) for s in self.v1_steps]
        return LocalPipeline(self.workspace, steps, description=self.description, name=name)

    def extras(self) -> dict[str, Any]:
        """What the local pipeline format does not keep: outputs to register on completion."""
        build = self.build()
        found = []
        for step in self.v1_steps:
            for data in [*step.outputs, *step.arguments]:
                wanted = getattr(data, "register_as", None)
                if wanted and any(p is step for p in data.__dict__.get("v1_producers", [])):
                    found.append({**wanted, "step": build.names[id(step)],
                                  "output": data.name})
        return {"register_on_complete": found}

    def dataset_parameters(self) -> set[str]:
        """Parameters whose value is a dataset: they choose inputs when the pipeline is
        built, and are not parameters of the local run."""
        names = set()
        for step in self.v1_steps:
            for item in [*step.inputs, *step.arguments]:
                param = getattr(item, "parameter", item)
                if getattr(param, "dataset_default", None) is not None:
                    names.add(param.name)
        return names

    def validate(self) -> list[str]:
        return [str(p) for p in self.local_pipeline().validate() if not p.warning]

    def executor(self) -> str | None:
        """The executor the steps' compute targets are mapped to in the workspace; local
        when none is mapped, or when the steps name different executors."""
        from ...core.compute import LOCAL, executors

        mapping = {n: e for n, e in executors(self.workspace).items() if e != LOCAL}
        chosen = {mapping.get(s.compute_target_name) for s in self.v1_steps}
        chosen.discard(None)
        if len(chosen) > 1:
            ignore("different executors for different compute targets (all run locally)")
            return None
        return chosen.pop() if chosen else None

    def submit_from_experiment(self, experiment: Any, pipeline_parameters: dict | None = None,
                               tags: dict | None = None, regenerate_outputs: bool = False,
                               continue_on_step_failure: bool = False) -> Any:
        from .submit import start

        if export.exporting():
            self.export_and_stop()
        values = dict(pipeline_parameters or {})
        local = self.local_pipeline(name=experiment.name, values=values)
        for name in self.dataset_parameters():
            values.pop(name, None)
        return start(self.workspace, local, self.extras(), experiment, values, tags,
                     regenerate_outputs, continue_on_step_failure, self.executor())

    def submit(self, experiment_name: str, pipeline_parameters: dict | None = None,
               continue_on_step_failure: bool = False, regenerate_outputs: bool = False,
               tags: dict | None = None, **kwargs: Any) -> Any:
        from ...core.experiment import Experiment

        return self.submit_from_experiment(Experiment(self.workspace, experiment_name),
                                           pipeline_parameters, tags, regenerate_outputs,
                                           continue_on_step_failure)

    def _set_experiment_name(self, name: str | None = None) -> None:
        """v1's private setter, which MLOps templates touch; the experiment is given at
        submit here."""

    def export_and_stop(self) -> None:
        path = export.save(self)
        raise export.Exported(f"saved the pipeline to {path} (not run)")

    def publish(self, name: str | None = None, description: str | None = None,
                version: str | None = None, continue_on_step_failure: bool | None = None
                ) -> Any:
        """Keep this pipeline in the workspace as a PublishedPipeline that any later process
        submits by id (Experiment.submit, PublishedPipeline.get, a schedule)."""
        from .published import PublishedPipeline

        local = self.local_pipeline(name=name or "pipeline")
        return PublishedPipeline.create(
            self.workspace, local.to_dict(self.workspace.path), str(self.workspace.path),
            name or "pipeline", description or self.description, version,
            bool(continue_on_step_failure), extras=self.extras(), executor=self.executor())


def pipeline_of_script(workspace: Any, config: Any) -> Pipeline:
    """A ScriptRunConfig as a one-step pipeline."""
    return Pipeline(workspace, [config.as_step()])


__getattr__ = module_getattr(__name__)
