"""Starting a run of a v1 pipeline (built here, or published earlier): its parameters in
v1's forms, tags at submit (kept in the run's record), outputs registered when their step
finishes, and the run tracked so that the process waits for it before it exits. A step's
`run.parent.cancel()` reaches the runner through the run's record folder (run/cancel.py)."""
from __future__ import annotations

from typing import Any

from .....core.dataset import Dataset as LocalDataset
from .....run.status import Status
from .... import submitted
from .run import PipelineRun


def parameter_values(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Pipeline parameters as the local runner takes them: a DataPath or a dataset given
    as a value stands for its local path."""
    from ...data.datapath import DataPath

    if values is None:
        return None
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, DataPath):
            value = value.local()
        elif isinstance(value, LocalDataset):
            value = value.path
        out[name] = value
    return out


def start(workspace: Any, local: Any, extras: dict[str, Any], experiment: Any,
          pipeline_parameters: dict[str, Any] | None, tags: dict[str, Any] | None,
          regenerate_outputs: bool = False, continue_on_step_failure: bool = False,
          executor: str | None = None) -> PipelineRun:
    """Submit `local` (a run.submission.Pipeline) and give v1's handle of its run.

    extras: what the local pipeline format does not keep ("register_on_complete": outputs
    to register as datasets once their step finishes)."""
    from ....ignored import warn_once

    warn_once()
    run = local.submit(experiment.name, pipeline_parameters=parameter_values(
        pipeline_parameters), regenerate_outputs=regenerate_outputs,
        continue_on_step_failure=continue_on_step_failure, executor=executor, tags=tags)
    facade = PipelineRun(run, experiment=experiment)
    _register_on_complete(workspace, run, extras.get("register_on_complete", []))
    return submitted.track(facade)


def _register_on_complete(workspace: Any, run: Any, outputs: list[dict[str, Any]]) -> None:
    """Register each output as a dataset when its step finishes (or is reused)."""
    if not outputs:
        return
    from ...core.dataset import Dataset

    def on_event(event: Any) -> None:
        if event.step is None or event.status != Status.FINISHED:
            return
        for item in outputs:
            if item["step"] == event.step:
                folder = run.get_step(event.step).outputs.get(item["output"])
                if folder:
                    kind = Dataset.Tabular.from_delimited_files if item.get("tabular") else \
                        Dataset.File.from_files
                    kind(folder).register(workspace, item["name"],
                                          description=item.get("description"),
                                          tags=item.get("tags"), create_new_version=True)

    run.subscribe(on_event, replay=True)
