"""azureml.widgets.RunDetails: watching a run. In a notebook, the designer's run view of
that run (its canvas with live statuses, and the timeline once it ends); in a script (or a
notebook run by `pipeline-widget azureml`), one line per status change. `show()` returns at
once, as in v1: the run goes on."""
from __future__ import annotations

import importlib
import os
import sys
from typing import Any, TextIO

from ...missing import MissingNames, module_getattr

HEADLESS_ENV = "PIPELINE_WIDGET_AZUREML_HEADLESS"   # set where nobody sees widgets


def in_notebook() -> bool:
    """Whether a notebook front end shows this process's widgets."""
    if os.environ.get(HEADLESS_ENV):
        return False
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    return get is not None and hasattr(get(), "kernel")


class RunDetails(MissingNames):
    def __init__(self, run_instance: Any) -> None:
        local = getattr(run_instance, "local", None)
        if local is None:
            from ....core.errors import PipelineError

            raise PipelineError(f"RunDetails shows a submitted pipeline run (what "
                                f"Experiment.submit returns), not {type(run_instance).__name__}")
        self.run = run_instance
        self.local = local
        self.widget: Any = None

    def show(self, out: TextIO | None = None) -> Any:
        """The run view in a notebook (returned, and displayed), else status lines."""
        if out is None and in_notebook():
            import ipywidgets

            summary = ipywidgets.HTML(self.summary_html())
            self.local.subscribe(lambda e: setattr(summary, "value", self.summary_html())
                                 if e.step is None else None, replay=False)
            self.widget = ipywidgets.VBox([summary, self.run_view()])
            from IPython.display import display

            display(self.widget)
            return self.widget
        self.print_statuses(out or sys.stdout)
        return None

    def summary(self) -> dict[str, Any]:
        """What v1's service showed beside a run: its tags, what its steps logged on it,
        and the models its steps registered."""
        from ....run.records import store
        from ...registries import models, runs

        ws = self.local.workspace
        steps = {s.step_run_id for s in self.local.get_steps() if s.step_run_id}
        made = [f"{m['name']}:{m['version']}" for versions in models.versions(ws).values()
                for m in versions
                if m.get("pipeline_run_id") == self.local.id or m.get("run_id") in steps]
        return {"tags": {**runs.tags(ws, self.local.id), **store.load(ws, self.local.id).tags},
                "metrics": runs.metrics(ws, self.local.id),
                "models": made}

    def summary_html(self) -> str:
        import html

        found = self.summary()
        rows = [(label, ", ".join(f"{k}={v}" for k, v in value.items())
                 if isinstance(value, dict) else ", ".join(value))
                for label, value in (("tags", found["tags"]), ("logged on the run",
                                     found["metrics"]), ("models registered", found["models"]))
                if value]
        head = f"<b>run {html.escape(self.local.id)}</b>"
        return head + "".join(f"<div>{html.escape(k)}: {html.escape(v)}</div>" for k, v in rows)

    def run_view(self) -> Any:
        """The designer showing this run, its statuses following the run's events."""
        # By name: the layers keep this adapter and the designer independent; the designer
        # is loaded only when a notebook asks to see a run.
        designer_class = importlib.import_module("pipeline_widget").PipelineDesigner
        designer = designer_class(self.local.get_pipeline(), workspace=self.local.workspace,
                                  warm_kernels=0)

        def paint(event: Any = None) -> None:
            designer.runs_panel.refresh_runs()
            designer.runs.value = ""
            designer.runs.value = self.local.id

        paint()
        self.local.subscribe(paint, replay=False)
        return designer

    def print_statuses(self, out: TextIO) -> None:
        def line(event: Any) -> None:
            what = f"step {event.step!r}" if event.step else f"run {event.run_id}"
            print(f"[RunDetails] {what}: {event.display_status}", file=out, flush=True)

        self.local.subscribe(line, replay=True)

    def get_widget_data(self, widget_settings: dict | None = None) -> dict[str, Any]:
        return {"run_id": self.local.id, "status": self.local.get_status(),
                "steps": {s.name: s.display_status for s in self.local.get_steps()}}


__all__ = ["RunDetails"]
__getattr__ = module_getattr(__name__)
