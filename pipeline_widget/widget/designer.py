"""PipelineDesigner: draw, edit, validate, save, load and run a pipeline in one widget.

A view over the core model: `designer.pipeline` is the Pipeline being edited, every
control changes it through an all-or-nothing edit, and the canvas is redrawn from it.
"""
from __future__ import annotations

import functools
import html
import os
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import PipelineError, Workspace, editing
from ..core.validation import Problem
from ..interop import open_pipeline
from ..run import Pipeline, WarmKernels
from . import edits, removal, warm_share
from .canvas import PipelineCanvas
from .elements import is_data_node
from .file_row import FileRow
from .links import LinkTool
from .problems_view import problems_html, validation_message
from .properties import PropertiesPanel
from .runs_panel import RunsPanel
from .step_palette import StepPalette, guess_steps_dir
from .styles import legend_html
from .toolbar import EditToolbar


class PipelineDesigner(w.VBox):
    """The visual designer. Open it with a workspace and a folder of step notebooks/scripts,
    with a Pipeline, or with `PipelineDesigner.load(path)`.

    pipeline: the pipeline to show and edit (default: an empty one).
    workspace: where runs, reuse and datasets live (default: the pipeline's, or ".").
    steps_dir: the folder whose notebooks and scripts are offered as new steps.
    experiment: the experiment name runs are submitted under (default: the pipeline's name).
    warm_kernels: fresh kernels kept ready while the designer is open, so its runs wait for
        no kernel start (0: none); shared by every designer of the workspace (the first one
        sets their number, see warm_share); they stop after `warm_idle` seconds without a
        run, when the last designer is closed, and with the kernel that holds them. Where
        kernels are forked (the default on Linux), none is kept idle: their fork server is
        kept running instead, and each run's kernels are forked as its steps need them.
    """

    def __init__(self, pipeline: Pipeline | None = None, workspace: Workspace | None = None,
                 steps_dir: str | os.PathLike | None = None, experiment: str | None = None,
                 warm_kernels: int = 2, warm_idle: float = 600.0) -> None:
        super().__init__()
        self.add_class("pw-designer")
        if pipeline is None:
            pipeline = Pipeline(workspace=workspace or Workspace(), steps=[], name="pipeline")
        elif workspace is not None:
            pipeline.workspace = workspace
        self._pipeline = pipeline
        self.history = edits.EditHistory(pipeline)
        self.steps_dir = Path(steps_dir).absolute() if steps_dir else guess_steps_dir(pipeline)
        self.problems: list[Problem] = []
        self.stale: dict[str, str] = {}   # step -> why the next run would run it
        self.selected: tuple[str, str] | None = None   # ("node", step) or ("edge", edge id)
        self._message = ""
        self.message_is_error = False
        self._change_handlers: list[Callable[[], None]] = []

        self.canvas = PipelineCanvas()
        self.canvas.on_pick(self._picked)
        self.message_line = w.HTML()
        self.message_line.add_class("pw-message")
        self.properties = PropertiesPanel(lambda: self._pipeline, self.edit, self.say, self.select,
                                          lambda: self._message if self.message_is_error else "",
                                          self.canvas.link_element)
        warm = warm_share.lease(pipeline.workspace.kernels_dir, warm_kernels, warm_idle,
                                functools.partial(WarmKernels, idle_kernels=False)
                                ) if warm_kernels else None
        self.runs_panel = RunsPanel(lambda: self._pipeline, self.canvas, self.say, experiment,
                                    warm)
        self.run_button = self.runs_panel.run_button
        self.cancel_button = self.runs_panel.cancel_button
        self.runs = self.runs_panel.runs
        self.rerun_button = self.runs_panel.rerun_button
        self.step_details = self.runs_panel.details
        self.runs_panel.on_end = self._after_run
        self._build_controls()
        self.refresh()

    def close(self) -> None:
        """Close the widget and stop its warm kernels."""
        self.runs_panel.stop_kernels()
        super().close()

    # -- construction ------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.palette = StepPalette(lambda: self._pipeline, self.steps_dir, self.edit, self.say,
                                   lambda: self.selected, self.select)
        self.step_path, self.step_name = self.palette.path, self.palette.name
        self.add_button = self.palette.add_button
        self.links = LinkTool(lambda: self._pipeline, self.canvas, self.edit, self.say,
                              lambda: self.selected)
        self.connect_button, self.data_name = self.links.button, self.links.data_name
        self.canvas.on_drag(self.links.dragged)
        self.toolbar = EditToolbar(self.links, self.remove_selected, self.undo, self.redo,
                                   self.validate, self.refresh_status, self.relayout, self.clear,
                                   self.canvas.data_nodes, self.show_data_nodes)
        for name in ("remove_button", "undo_button", "redo_button", "validate_button",
                     "refresh_button", "relayout_button", "clear_button", "data_nodes_toggle"):
            setattr(self, name, getattr(self.toolbar, name))
        self.problem_list = w.HTML()
        self.problem_list.add_class("pw-problems")
        self.file_row = FileRow(lambda: self._pipeline, self.save, self.open_file, self.say)
        self.path = self.file_row.path
        self.save_button, self.load_button = self.file_row.save_button, self.file_row.load_button
        self.legend = w.HTML(legend_html())
        self.legend.add_class("pw-legend")
        side = w.VBox([self.properties, w.HTML("<b>step details</b>"), self.runs_panel.details],
                      layout=w.Layout(width="40%", min_width="300px", overflow="auto"))
        self.children = [
            self.palette,
            self.toolbar,
            self.message_line,
            w.HBox([w.Box([self.canvas], layout=w.Layout(width="60%")), side]),
            self.legend,
            self.problem_list,
            self.runs_panel,
            self.file_row,
        ]

    def refresh_sources(self) -> None:
        """Offer the notebooks and scripts now in steps_dir."""
        self.palette.refresh()

    # -- the model ---------------------------------------------------------------------------
    @property
    def pipeline(self) -> Pipeline:
        """The pipeline being edited: always the current core model."""
        return self._pipeline

    @property
    def workspace(self) -> Workspace:
        return self._pipeline.workspace

    @property
    def message(self) -> str:
        """The last message shown (plain text)."""
        return self._message

    def say(self, text: str, error: bool = False) -> None:
        """Show `text` on the message line (in red with a warning sign when `error`)."""
        self._message, self.message_is_error = text, error
        colour = "#b00" if error else "#225522"
        self.message_line.value = (f"<div style='color:{colour};white-space:pre-wrap'>"
                                   f"{'&#9888; ' if error else ''}{html.escape(text)}</div>")

    def edit(self, label: str, change: Callable[[], Any]) -> bool:
        """Apply one edit to the model, all or nothing; a refused edit shows why."""
        try:
            self.history.apply(label, change)
        except PipelineError as err:
            self.say(str(err), error=True)
            self.refresh()
            return False
        except Exception as err:  # a bug of ours: the model is back as it was; say so, go on
            self.say(f"{label} failed ({type(err).__name__}: {err}); nothing was changed",
                     error=True)
            self.refresh()
            return False
        self.refresh()
        return True

    def refresh(self) -> None:
        """Redraw the canvas and the panels from the model, list its problems, and mark
        the steps the next run would run."""
        self.problems = self._pipeline.validate()
        self.runs_panel.refresh_form()   # the parameters the next run would get
        self.stale = self._stale()
        self.canvas.show(self._pipeline, self.problems, self.stale)
        ok = bool(self._pipeline.steps) and not any(not p.warning for p in self.problems)
        self.runs_panel.stale = self.stale if ok else None
        if self.runs_panel.selected_step in self.canvas.node_ids:
            self.runs_panel.show_step(self.runs_panel.selected_step)   # what the next run does
        self._show_problems()
        if self.selected and not self._exists(self.selected):
            self.select(None)
        self.properties.refresh()
        self.palette.refresh()
        self.file_row.refresh()
        self.canvas.forget_click()   # an edit between two clicks makes them no double-click
        for handler in list(self._change_handlers):
            handler()

    def on_change(self, handler: Callable[[], None]) -> None:
        """Call `handler()` after every redraw from the model (every edit, undo, load)."""
        self._change_handlers.append(handler)

    def _stale(self) -> dict[str, str]:
        """Step -> why the next run would run it (status(), the run's own reasons); nothing
        while the pipeline has problems or no steps."""
        if not self._pipeline.steps or any(not p.warning for p in self.problems):
            return {}
        try:
            found = self._pipeline.status(self.runs_panel.parameter_values())
        except Exception:  # a parameter field being typed, a file being written: no marks
            return {}
        return {s.name: "; ".join(s.reasons) for s in found if s.would_run}

    def _after_run(self) -> None:
        """A run started here ended: what the next one would run has changed."""
        self.stale = self._stale()
        self.runs_panel.stale = self.stale
        self.canvas.show(self._pipeline, self.problems, self.stale)
        if self.runs_panel.selected_step in self.canvas.node_ids:
            self.runs_panel.show_step(self.runs_panel.selected_step)

    def show_data_nodes(self, on: bool = True) -> None:
        """Draw PipelineData and datasets as nodes of their own (on), or as labelled links
        and lines in the steps' labels (off). A view only: the model is unchanged."""
        if self.data_nodes_toggle.value != on:
            self.data_nodes_toggle.value = on   # comes back here through its observer
            return
        self.canvas.data_nodes = on
        self.refresh()

    def refresh_status(self) -> dict[str, str]:
        """The Refresh button: look again at what the next run would run (files may have
        changed outside the designer)."""
        self.refresh()
        n = len(self.stale)
        self.say(f"{n} step(s) would run: {', '.join(self.stale)}" if n else
                 "every step would be reused: nothing changed since its last run")
        return self.stale

    def _show_problems(self) -> None:
        self.problem_list.value = problems_html(self.problems)

    def _exists(self, selected: tuple[str, str]) -> bool:
        kind, eid = selected
        return eid in (self.canvas.node_ids if kind == "node" else self.canvas.edge_ids)

    # -- selection and clicks ------------------------------------------------------------------
    def _picked(self, kind: str, element_id: str) -> None:
        if kind == "node" and is_data_node(element_id):
            if self.links.producer is not None:
                self.say("now click the step that reads it: a link ends on a step, not on "
                         "data (press Connect again to cancel)", error=True)
                return
        elif kind == "node":
            self.links.consumer_clicked(element_id)
        self.select((kind, element_id))

    def select(self, selected: tuple[str, str] | None) -> None:
        """Select a step ("node", name) or a link ("edge", id), or nothing (None)."""
        self.selected = selected
        self.canvas.mark(selected[1] if selected else None, "picked")
        self.palette.refresh()
        if selected is None:
            self.properties.show_nothing()
            self.runs_panel.show_nothing()
            return
        kind, eid = selected
        if kind == "node" and not is_data_node(eid):
            self.properties.show_step(eid)
            self.runs_panel.show_step(eid)
            return
        self.runs_panel.show_nothing()
        self.properties.show_drawn(self.canvas.element_data(kind, eid))

    # -- toolbar actions -----------------------------------------------------------------------
    def add_step(self, source: str | os.PathLike | None = None, name: str | None = None) -> bool:
        """Add a step for `source` (or the path typed), named as typed; linked after the
        selected step when the palette's box is ticked."""
        return self.palette.add(source, name)

    @property
    def connect_from(self) -> str | None:
        """The producer picked for a link while Connect waits for the consumer click."""
        return self.links.producer

    def toggle_connect(self) -> None:
        self.links.toggle()

    def connect(self, producer: str, consumer: str, data_name: str | None = None) -> bool:
        """Link two steps by a PipelineData (the producer's own if it has one by that name)."""
        return self.links.connect(producer, consumer, data_name)

    def remove_selected(self) -> bool:
        """Remove the selected step (with its links) or the selected link."""
        removed = removal.remove(self._pipeline, self.canvas, self.selected, self.edit, self.say)
        if removed is None:
            return False
        self.select(None)
        self.say(f"removed {removed}")
        return True

    def undo(self) -> bool:
        if not self.history.can_undo:
            self.say("there is nothing to undo", error=True)
            return False
        label = self.history.undo()
        self.refresh()
        self.say(f"undid: {label}")
        return True

    def redo(self) -> bool:
        if not self.history.can_redo:
            self.say("there is nothing to redo", error=True)
            return False
        label = self.history.redo()
        self.refresh()
        self.say(f"redid: {label}")
        return True

    def clear_selection(self) -> None:
        """Escape: forget the selection and a link being drawn."""
        self.links.cancel()
        self.canvas.forget_click()
        self.select(None)

    def clear(self) -> bool:
        """Remove every step, to draw from scratch; Undo brings them back."""
        if self.edit("clear", lambda: editing.clear(self._pipeline)):
            self.select(None)
            self.say("cleared the canvas (Undo brings the steps back)")
            return True
        return False

    def validate(self) -> list[Problem]:
        self.refresh()
        self.say(*validation_message(self.problems))
        return self.problems

    def relayout(self) -> None:
        self.canvas.relayout()

    def save(self, path: str | os.PathLike) -> Path:
        saved = self._pipeline.save(path)
        self.say(f"saved {saved}")
        return saved

    @property
    def save_handler(self) -> Callable[[], None] | None:
        """Set by a document (the JupyterLab tab that holds this designer): Save saves it."""
        return self.file_row.save_handler

    @save_handler.setter
    def save_handler(self, handler: Callable[[], None] | None) -> None:
        self.file_row.save_handler = handler
        self.file_row.refresh()

    def save_clicked(self) -> None:
        self.file_row.save_clicked()

    def load_clicked(self) -> None:
        self.file_row.load_clicked()

    def open_file(self, path: str | os.PathLike) -> Pipeline:
        """Replace the pipeline by the one in `path` (in this designer's workspace)."""
        pipeline = open_pipeline(path, workspace=self._pipeline.workspace)
        self.set_pipeline(pipeline)
        self.say(f"loaded {pipeline.path}")
        return pipeline

    def set_pipeline(self, pipeline: Pipeline) -> None:
        self.runs_panel.forget_shown()
        self._pipeline = pipeline
        self.history = edits.EditHistory(pipeline)
        self.links.cancel()
        self.selected = None
        self.canvas.set_statuses({})
        self.properties.show_nothing()
        self.runs_panel.param_fields = {}  # the new pipeline's defaults, not the old values
        self.refresh()
        self.runs_panel.refresh_runs()

    @classmethod
    def load(cls, path: str | os.PathLike, workspace: Workspace | None = None,
             steps_dir: str | os.PathLike | None = None) -> "PipelineDesigner":
        pipeline = open_pipeline(path, workspace=workspace)   # .pipeline, pipeline.yaml too
        return cls(pipeline=pipeline, steps_dir=steps_dir)

    # -- running -----------------------------------------------------------------------------
    def run(self, pipeline_parameters: dict[str, Any] | None = None):
        """Press Run: submit the pipeline with the form's parameters; returns the run (None
        when it could not start, with the reason on the message line).

        pipeline_parameters: values typed into the run form first (it keeps them, so the
            form shows what ran).
        """
        if pipeline_parameters:
            self.runs_panel.fill_form(pipeline_parameters)
        return self.runs_panel.run()

    def cancel(self) -> None:
        self.runs_panel.cancel()

    def wait(self, timeout: float | None = None) -> str | None:
        return self.runs_panel.wait(timeout)

    @property
    def statuses(self) -> dict[str, str]:
        return self.canvas.statuses

