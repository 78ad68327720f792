"""Run, cancel, re-run and look back: the run side of the designer.

Statuses reach the canvas through `PipelineRun.subscribe` (the runner's event stream);
nothing here polls files. Records of finished runs are read once, when chosen.
"""
from __future__ import annotations

import html
import threading
import time
from typing import Any, Callable, Sequence

import ipywidgets as w

from ..core import PipelineError
from ..core.names import check_experiment_name
from ..core.parameter_types import type_of
from ..core.steps.base import DEFAULT_KERNEL
from ..run import Pipeline, PipelineRun, rerun
from ..run.events import StatusEvent
from ..run.status import Status
from .canvas import PipelineCanvas
from .compare_panel import ComparePanel
from .controls import button
from .details import StepDetails, step_html
from .parameters import parse, show
from .part_runs import PartRunButtons
from .run_messages import experiment_for, what_ran
from .runs_sections import RunsSections
from .timeline_view import gantt_svg
from .warm_share import WarmLease

NO_RUN = "(no run chosen)"


class RunsPanel(w.VBox):
    """Experiment name, pipeline parameter form, Run/Cancel, the runs list, Re-run and the
    step details panel (shown beside the canvas by the designer)."""

    def __init__(self, pipeline: Callable[[], Pipeline], canvas: PipelineCanvas,
                 say: Callable[..., None], experiment: str | None = None,
                 warm: WarmLease | None = None) -> None:
        super().__init__()
        self.warm = warm
        self.add_class("pw-runs-panel")
        self._pipeline, self.canvas, self._say = pipeline, canvas, say
        self.experiment = w.Text(description="experiment",
                                 value=experiment or experiment_for(pipeline().name))
        self.experiment.add_class("pw-experiment")
        self.param_fields: dict[str, w.Text] = {}
        self.params_box = w.VBox()
        self.params_box.add_class("pw-run-params")
        self.run_button = button("Run", "pw-run", self.run, icon="play", button_style="success")
        self.cancel_button = button("Cancel", "pw-cancel", self.cancel, icon="stop",
                                    disabled=True)
        self.runs = w.Dropdown(description="runs", options=[(NO_RUN, "")], value="",
                               layout=w.Layout(width="420px"))
        self.runs.add_class("pw-runs")
        self.runs.observe(self._chosen, "value")
        self.parts = PartRunButtons(self.run_part)
        self.part_buttons = self.parts.buttons
        self.rerun_button = button("Re-run", "pw-rerun", self.rerun, icon="repeat")
        self.comparison = ComparePanel()
        self.compare, self.metric = self.comparison.table, self.comparison.metric
        self.plot = self.comparison.plot
        self.sections = RunsSections()   # what other parts keep in the workspace (registries)
        self.details = StepDetails("<i>Run the pipeline, then click a step to see what it did.</i>")
        self.timeline = w.HTML()
        self.timeline.add_class("pw-timeline")
        self._running_since: dict[str, float] = {}   # step -> when it started running
        self.stale: dict[str, str] | None = None   # step -> why the next run would run it
        self.on_end: Callable[[], None] | None = None   # called when a run started here ends
        self.live: PipelineRun | None = None     # the last run started here
        self.shown: PipelineRun | None = None    # the run whose statuses the canvas shows
        self.selected_step: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._lock = threading.RLock()
        self.warm_up()
        self.children = [w.HBox([self.experiment, self.run_button, self.cancel_button]),
                         self.parts,
                         self.params_box,
                         w.HBox([self.runs, self.rerun_button]),
                         self.timeline,
                         self.comparison,
                         self.sections]
        self.refresh()

    # -- warm kernels ---------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start the warm kernels for the kernels the pipeline's steps use (in the background)."""
        if self.warm is None:
            return
        names = {s.kernel()[0] for s in self._pipeline().steps} - {None} or {DEFAULT_KERNEL}
        for name in names:
            self.warm.want(str(name))

    def stop_kernels(self) -> None:
        """Give back this designer's hold on the warm kernels (the last one stops them)."""
        if self.warm is not None:
            self.warm.release()

    def _kernels(self):
        """The warm kernels a run takes, if this process keeps the workspace's."""
        return self.warm.pool if self.warm is not None else None

    # -- the form -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Parameter fields for the pipeline's parameters, and the list of its runs."""
        self.refresh_form()
        self.refresh_runs()

    def refresh_form(self) -> None:
        """One field per pipeline parameter; fields are kept while the names stay the same."""
        params = self._pipeline().parameters
        if list(params) == list(self.param_fields):
            return
        keep = {n: f.value for n, f in self.param_fields.items()}
        self.param_fields = {}
        for name, p in params.items():
            field = w.Text(description=name, value=keep.get(name, show(p.default_value)),
                           style={"description_width": "initial"})
            field.add_class("pw-run-param")
            self.param_fields[name] = field
        self.params_box.children = ([w.HTML("<b>pipeline parameters</b>")] +
                                    list(self.param_fields.values())) if params else []

    def fill_form(self, values: dict[str, Any]) -> None:
        """Put `values` in the run form's fields, as if typed (unknown names refused)."""
        unknown = sorted(set(values) - set(self.param_fields))
        if unknown:
            raise PipelineError(f"the pipeline has no parameter {unknown[0]!r}; its parameters "
                                f"are {', '.join(self.param_fields) or 'none'}")
        for name, value in values.items():
            self.param_fields[name].value = show(value)

    def parameter_values(self) -> dict[str, Any]:
        params = self._pipeline().parameters
        values = {}
        for name, field in self.param_fields.items():
            default = params[name].default_value if name in params else None
            values[name] = parse(field.value, type_of(default), f"pipeline parameter {name!r}")
        return values

    def refresh_runs(self) -> None:
        """The runs of this pipeline in the workspace, newest first (read from their records)."""
        with self._lock:
            self._refresh_runs()

    def _refresh_runs(self) -> None:
        pipeline = self._pipeline()
        try:
            found = PipelineRun.list(pipeline.workspace, pipeline.name)
        except (OSError, PipelineError):
            found = []
        options = [(NO_RUN, "")] + [(f"{r.id} ({r.record.status})", r.id)
                                   for r in reversed(found)]
        self.comparison.show(pipeline)
        self.sections.show(pipeline.workspace)
        current = self.runs.value
        self._quiet = True
        try:
            if tuple(self.runs.options) != tuple(options):
                self.runs.options = options  # this picks the first option: set it back
            self.runs.value = current if current in {v for _, v in options} else ""
        finally:
            self._quiet = False

    # -- running ----------------------------------------------------------------------------
    def run_part(self, option: str) -> PipelineRun | None:
        """Run the selected step only, from it, or up to it (option: only, from_steps,
        to_steps); the steps it reads are reused."""
        if not self.selected_step:
            self._say("click a step first", error=True)
            return None
        chosen = [self.selected_step]
        return self.run(only=chosen if option == "only" else (),
                        from_steps=chosen if option == "from_steps" else (),
                        to_steps=chosen if option == "to_steps" else ())

    def run(self, _=None, only: Sequence[str] = (), from_steps: Sequence[str] = (),
            to_steps: Sequence[str] = ()) -> PipelineRun | None:
        """Submit the current pipeline with the form's parameters; returns at once. only,
        from_steps, to_steps: a partial run (as for Pipeline.submit)."""
        try:
            experiment = check_experiment_name(self.experiment.value.strip())
            run = self._pipeline().submit(experiment, self.parameter_values(), only=only,
                                          from_steps=from_steps, to_steps=to_steps,
                                          kernels=self._kernels())
        except PipelineError as err:
            self._say(str(err), error=True)
            return None
        except Exception as err:  # the runner could not start (kernels, disk): say so, stay usable
            self._say(f"could not start the run: {type(err).__name__}: {err}", error=True)
            return None
        self._follow(run)
        self._say(f"run {run.id} started")
        return run

    def rerun(self, _=None) -> PipelineRun | None:
        """Run the chosen earlier run again: its pipeline, its parameters."""
        if not self.runs.value:
            self._say("choose a run in the list first", error=True)
            return None
        try:
            old_id = self.runs.value
            run = rerun(self._pipeline().workspace, old_id, kernels=self._kernels())
        except PipelineError as err:
            self._say(str(err), error=True)
            return None
        except Exception as err:  # as in run()
            self._say(f"could not start the run: {type(err).__name__}: {err}", error=True)
            return None
        self._follow(run)
        self._say(f"run {run.id} started again from {old_id}")
        return run

    def cancel(self, _=None) -> None:
        if self.live is None or not self.live.is_live:
            self._say("no run is running", error=True)
            return
        self.live.cancel()
        self._say(f"canceling run {self.live.id}...")

    def _follow(self, run: PipelineRun) -> None:
        with self._lock:
            if self._unsubscribe:
                self._unsubscribe()
            self.live = self.shown = run
            self.canvas.set_statuses({})
            self._running(True)
            self._running_since = {}
            self.timeline.value = ""
            self._unsubscribe = run.subscribe(self._on_event, replay=True)
        threading.Thread(target=self._tick, args=(run,), daemon=True,
                         name="pipeline-widget-ticker").start()
        self.refresh_runs()
        self._choose_quietly(run.id)

    def _running(self, running: bool) -> None:
        """Run and the part buttons while nothing runs; Cancel, visibly, while a run does."""
        self.run_button.disabled = running
        self.cancel_button.disabled = not running
        self.cancel_button.button_style = "warning" if running else ""
        for part in self.part_buttons.values():
            part.disabled = running or self.selected_step is None

    def _choose_quietly(self, run_id: str) -> None:
        if run_id in {v for _, v in self.runs.options}:
            self._quiet = True
            try:
                self.runs.value = run_id
            finally:
                self._quiet = False

    def _on_event(self, event: StatusEvent) -> None:
        """Called on the runner's thread for every status change of the followed run."""
        with self._lock:
            if self.live is None or event.run_id != self.live.id:
                return
            painted = self.shown is self.live  # the canvas may show another run meanwhile
            if event.step is not None:
                if event.status == Status.RUNNING:
                    self._running_since[event.step] = event.time
                if painted:
                    self.canvas.set_status(event.step, event.display_status)
                    if event.step == self.selected_step:
                        self.show_step(event.step)
                return
            if event.status.is_terminal:
                run = self.live
                self._running(False)
                self._say(f"run {run.id} {event.status.value}{what_ran(run)}",
                          error=event.status != Status.FINISHED)
                self.refresh_runs()
                self._show_timeline(run)
                if self.on_end is not None:
                    self.on_end()
                if painted and self.selected_step:
                    self.show_step(self.selected_step)

    def _tick(self, run: PipelineRun, every: float = 1.0) -> None:
        """While the run lives, its running steps count their seconds on the canvas, and
        notebooks show the cell they are in."""
        while run.is_live:
            time.sleep(every)
            with self._lock:
                if self.shown is run and run.is_live:
                    now = time.time()
                    cells = {s: run.get_step(s).progress for s in self._running_since}
                    self.canvas.tick({s: now - t for s, t in self._running_since.items()}, cells)
                    if self.selected_step and cells.get(self.selected_step) is not None \
                            and run.get_step(self.selected_step).status == Status.RUNNING:
                        self.show_step(self.selected_step)   # its duration and cell move on

    def _show_timeline(self, run: PipelineRun) -> None:
        try:
            svg = gantt_svg(run.get_steps())
        except (PipelineError, OSError, RuntimeError):
            svg = ""
        self.timeline.value = (f"<div><b>timeline</b> of run {html.escape(run.id)}</div>{svg}"
                               if svg else "")

    def wait(self, timeout: float | None = None) -> str | None:
        """Block until the run started here ends (for scripts and tests)."""
        run = self.live
        return run.wait_for_completion(show_output=False, timeout_seconds=timeout) if run else None

    # -- looking back -------------------------------------------------------------------------
    _quiet = False

    def _chosen(self, change) -> None:
        if self._quiet or not change["new"]:
            return
        try:
            if self.live is not None and change["new"] == self.live.id:
                run = self.live
            else:
                run = PipelineRun.get(self._pipeline().workspace, change["new"])
            steps = run.get_steps()
        except PipelineError as err:
            self._say(str(err), error=True)
            return
        self.shown = run
        self.canvas.set_statuses({s.name: s.display_status for s in steps})
        self._show_timeline(run)
        self._say(f"showing run {run.id} ({run.get_status()})")
        if self.selected_step:
            self.show_step(self.selected_step)

    def show_step(self, name: str | None) -> None:
        self.selected_step = name
        self._name_parts(name)
        if name is None:
            return
        if self.shown is None:
            self.details.value = f"<i>{html.escape(name)}: the next run {self._next_run(name)}</i>"
            return
        try:
            step = self.shown.get_step(name)
        except PipelineError:
            self.details.value = f"<i>{name} is not part of run {self.shown.id}.</i>"
            return
        except RuntimeError:  # the runner changed the live record while it was read: once more
            step = self.shown.get_step(name)
        upcoming = ""
        if self.stale and name in self.stale and not (self.live and self.live.is_live):
            upcoming = (f"<div class='pw-would-run' style='color:#1f77b4;margin-bottom:4px'>"
                        f"<b>the next run</b> {self._next_run(name)}</div>")
        self.details.show(upcoming + step_html(step, self.shown.id), step.notebook)

    def show_nothing(self) -> None:
        """No step selected (or it was removed): its details go too."""
        self.selected_step = None
        self._name_parts(None)
        self.details.value = "<i>Click a step to see what it did, or what the next run would do.</i>"

    def _name_parts(self, name: str | None) -> None:
        self.parts.name(name, running=self.live is not None and self.live.is_live)

    def _next_run(self, name: str) -> str:
        """What the next run would do with step `name`, after "the next run"."""
        if self.stale is None:
            return "cannot start yet: see the problems below the canvas."
        if name in self.stale:
            return f"would run it: {html.escape(self.stale[name])}."
        return "would reuse its last result (nothing it depends on changed)."

    def forget_shown(self) -> None:
        """Another pipeline is on the canvas: stop painting runs on it. A live run goes on,
        and Run/Cancel still follow it."""
        with self._lock:
            self.shown = None
            self.selected_step = None
            self.details.value = "<i>Run the pipeline, then click a step to see what it did.</i>"
            self._choose_quietly("")
