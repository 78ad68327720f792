"""The properties panel: edits the selected step (name, reuse, parameters, dataset inputs)
or the selected link (its PipelineData name). Every change goes through the designer's edit."""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import PipelineError, PipelineParameter, editing
from ..run import Pipeline, notebook_parameters
from .elements import edge_id, links_drawn
from .kind_fields import KindFields
from .parameters import parse, show
from .step_data import StepData

Edit = Callable[[str, Callable[[], Any]], bool]


class PropertiesPanel(w.VBox):
    def __init__(self, pipeline: Callable[[], Pipeline], edit: Edit, say: Callable[..., None],
                 select: Callable[[tuple[str, str]], None],
                 last_error: Callable[[], str] = lambda: "",
                 link_element: Callable[[str, str, str], tuple[str, str]] =
                 lambda p, c, d: ("edge", edge_id(p, c, d))) -> None:
        """link_element: the canvas element (kind, id) that draws a link, to select it."""
        super().__init__(layout=w.Layout(width="100%"))
        self.add_class("pw-properties")
        self._pipeline, self._edit, self._say, self._select = pipeline, edit, say, select
        self._last_error, self._link_element = last_error, link_element
        self._shown: tuple | None = None  # what the fields were built for
        self.step_name: str | None = None
        self.link: tuple[str, str, str] | None = None
        self.name_field = w.Text(description="name", continuous_update=False)
        self.name_field.add_class("pw-prop-name")
        self.name_field.observe(self._rename, "value")
        self.reuse_box = w.Checkbox(description="allow reuse", indent=False)
        self.reuse_box.add_class("pw-prop-reuse")
        self.reuse_box.observe(self._reuse, "value")
        self.retries_field = w.BoundedIntText(description="retries", min=0, max=10,
                                              layout=w.Layout(width="160px"))
        self.retries_field.add_class("pw-prop-retries")
        self.retries_field.observe(self._retries, "value")
        self.fields: dict[str, w.Text] = {}
        self.data_rows = StepData(pipeline, edit, say)
        self.kind_fields = KindFields(pipeline, edit, say, last_error)
        self.source_field = w.Text(description="source", continuous_update=False,
                                   layout=w.Layout(width="95%"))
        self.source_field.add_class("pw-prop-source")
        self.source_field.observe(self._repoint, "value")
        # field key -> (the text typed there, why it was refused): kept until it is mended
        self.errors: dict[str, tuple[str, str]] = {}
        self._error_labels: dict[str, w.HTML] = {}
        self._quiet = False
        self.show_nothing()

    # -- what is shown ------------------------------------------------------------------
    def show_drawn(self, data: dict) -> None:
        """A drawn link or data node (its data): the link's panel; a dataset, or an output no
        step reads, is edited in its step's panel."""
        links = links_drawn(data)
        if links:
            self.show_link(*links[0], readers=[consumer for _, consumer, _ in links])
        elif data.get("consumer") or data.get("producer"):
            self.show_step(data.get("consumer") or data["producer"])
        else:
            self.show_nothing()

    def show_nothing(self) -> None:
        self.step_name, self.link, self._shown = None, None, None
        self.children = [w.HTML("<i>Click a step or a link to see and edit it.</i>")]

    def show_step(self, name: str) -> None:
        pipeline = self._pipeline()
        step = pipeline.step(name)
        if self.step_name != name:
            self.errors, self._error_labels = {}, {}
        self.step_name, self.link, self._shown = name, None, _signature(step)
        self._quiet = True
        try:
            self.name_field.description = "step"
            self.name_field.value = step.name
            self.reuse_box.value = step.allow_reuse
            self.retries_field.value = step.retries or 0
            self.source_field.value = _relative_to(str(step.source), Path.cwd())
        finally:
            self._quiet = False
        self._keep_typed("name", self.name_field)
        self._keep_typed("source", self.source_field)
        source = step.source
        rows: list[w.Widget] = [
            w.HTML(f"<b>{type(step).__name__}</b> <code>{html.escape(source.name)}</code>"),
            self._with_error("name", self.name_field),
            w.HBox([self.reuse_box, self.retries_field])]
        rows += self._parameter_rows(step)
        self.kind_fields.show(step)
        self.data_rows.show(name)
        rows += [self.kind_fields, self.data_rows, self._dependencies_row(step)]
        if step.suffix:   # a kind with a source file: point it at another one
            rows.append(self._with_error("source", self.source_field))
        self.children = rows

    def show_link(self, producer: str, consumer: str, data: str,
                  readers: list[str] | None = None) -> None:
        """A link's panel; `readers`: every step that reads the data (a data node stands
        for all its links), else the link's one consumer."""
        self.step_name, self.link, self._shown = None, (producer, consumer, data), None
        self._quiet = True
        try:
            self.name_field.description = "data"
            self.name_field.value = data
        finally:
            self._quiet = False
        read_by = ", ".join(f"<b>{html.escape(r)}</b>" for r in readers or [consumer])
        self.children = [w.HTML(f"<b>PipelineData</b> written by <b>{html.escape(producer)}"
                                f"</b>, read by {read_by}"), self.name_field]

    def refresh(self) -> None:
        """After an edit: keep the fields (and the focus) when the step's shape is unchanged."""
        pipeline = self._pipeline()
        step = next((s for s in pipeline.steps if s.name == self.step_name), None)
        if step is None:
            if self.step_name:
                self.show_nothing()
            return
        if _signature(step) != self._shown:
            self.show_step(step.name)
            return
        self._quiet = True
        try:
            self.reuse_box.value = step.allow_reuse
            self.retries_field.value = step.retries or 0
            if step.takes_parameters:
                for name, field in self.fields.items():
                    field.value = _field_text(step.parameters.get(name, _UNSET))  # type: ignore[attr-defined]
            elif "arguments" in self.fields:
                self.fields["arguments"].value = editing.arguments_text(step)  # type: ignore[arg-type]
        finally:
            self._quiet = False
        self.kind_fields.refresh(step)
        for key in self.errors:       # what was typed and refused stays in its field
            field = self._field(key)
            if field is not None:
                self._keep_typed(key, field)
        self.data_rows.show(step.name)

    def _parameter_rows(self, step) -> list[w.Widget]:
        self.fields = {}
        if not step.takes_parameters and not step.takes_arguments:
            return []   # a command names its values in its command line
        if not step.takes_parameters:
            field = w.Text(description="arguments", value=editing.arguments_text(step),
                           continuous_update=False, placeholder="e.g. --folder {prepped}",
                           layout=w.Layout(width="95%"))
            field.add_class("pw-arguments")
            field.observe(lambda change: self._set_arguments(change["new"]), "value")
            self.fields = {"arguments": field}
            self._keep_typed("arguments", field)
            return [self._with_error("arguments", field),
                    w.HTML("<small>{name}: the path of the step's input or output "
                           "<i>name</i>, or the pipeline parameter <i>name</i></small>")]
        try:
            found = notebook_parameters(step.source)
        except (OSError, PipelineError) as err:
            return [w.HTML(f"<i>parameters unavailable: {err}</i>")]
        injected = {i.name for i in step.inputs} | {o.name for o in step.outputs}
        rows: list[w.Widget] = []
        for p in found:
            if p.name in injected:
                continue
            field = w.Text(description=p.name, continuous_update=False,
                           placeholder=f"{show(p.default)} (default)",
                           tooltip=p.help, style={"description_width": "initial"})
            field.add_class("pw-param")
            field.value = _field_text(step.parameters.get(p.name, _UNSET))
            field.observe(lambda change, p=p: self._set_parameter(p, change["new"]), "value")
            self.fields[p.name] = field
            self._keep_typed(f"param:{p.name}", field)
            rows.append(w.VBox([field, help_line(p.type_name or "any", p.help)]))
            rows.append(self._error_line(f"param:{p.name}"))
        if rows:
            rows.insert(0, w.HTML("<b>parameters</b> (empty: the notebook's default; "
                                  "<code>=name</code>: the pipeline parameter <i>name</i>)"))
        return rows

    # -- edits ----------------------------------------------------------------------------
    def _rename(self, change) -> None:
        if self._quiet:
            return
        new = change["new"].strip()
        pipeline = self._pipeline()
        if self.step_name:
            old = self.step_name
            if self._done("name", change["new"], self._edit(
                    f"rename step {old!r}", lambda: editing.rename_step(pipeline, old, new))):
                self._select(("node", new))
                self._say(f"renamed step {old!r} to {new!r}")
        elif self.link:
            producer, consumer, old = self.link
            if self._edit(f"rename {old!r}", lambda: editing.rename_data(pipeline, old, new)):
                self._select(self._link_element(producer, consumer, new))
                self._say(f"renamed PipelineData {old!r} to {new!r}")

    def _reuse(self, change) -> None:
        if self._quiet or not self.step_name:
            return
        name, value = self.step_name, bool(change["new"])
        self._edit(f"allow_reuse of {name!r}",
                   lambda: editing.set_allow_reuse(self._pipeline(), name, value))

    def _retries(self, change) -> None:
        if self._quiet or not self.step_name:
            return
        name, value = self.step_name, int(change["new"])
        if self._edit(f"retries of {name!r}",
                      lambda: editing.set_retries(self._pipeline(), name, value)):
            self._say(f"step {name!r}: {value} retr{'y' if value == 1 else 'ies'} after a failure")

    def _set_parameter(self, p, text: str) -> None:
        if self._quiet or not self.step_name:
            return
        name, pipeline, key = self.step_name, self._pipeline(), f"param:{p.name}"
        if not text.strip():
            if self._done(key, text, self._edit(
                    f"clear {p.name}", lambda: editing.clear_parameter(pipeline, name, p.name))):
                self._say(f"step {name!r}: {p.name} is the notebook's default again")
            return
        try:
            if text.strip().startswith("="):
                value = _pipeline_parameter(pipeline, text.strip()[1:].strip(), p.default)
            else:
                value = parse(text, p.type_name, f"parameter {p.name!r} of step {name!r}")
        except PipelineError as err:
            self._say(str(err), error=True)
            self._done(key, text, False)
            return
        if self._done(key, text, self._edit(
                f"set {p.name}", lambda: editing.set_parameter(pipeline, name, p.name, value))):
            self._say(f"step {name!r}: {p.name} = {value!r}")

    def _set_arguments(self, text: str) -> None:
        if self._quiet or not self.step_name:
            return
        name, pipeline = self.step_name, self._pipeline()
        if self._done("arguments", text, self._edit(
                f"arguments of {name!r}", lambda: editing.set_arguments(pipeline, name, text))):
            self._say(f"step {name!r}: arguments {text}")

    def _repoint(self, change) -> None:
        """Point the step at another notebook or script, keeping its links and the
        parameters the new notebook still declares."""
        if self._quiet or not self.step_name:
            return
        name, pipeline, text = self.step_name, self._pipeline(), change["new"].strip()
        source = Path(text).expanduser()
        try:
            keep = {p.name for p in notebook_parameters(source)} \
                if source.suffix == ".ipynb" and source.is_file() else None
        except (OSError, PipelineError):
            keep = None
        if self._done("source", change["new"], self._edit(
                f"repoint {name!r}", lambda: editing.repoint(pipeline, name, source, keep))):
            self._say(f"step {name!r} now runs {source.name}; its links are kept")

    # -- refused edits: the typed text stays, with the reason beside it ---------------------
    def _done(self, key: str, typed: str, ok: bool) -> bool:
        """After an edit of field `key`: forget its error, or keep what was typed and say why
        it was refused beside it (the message line says it too)."""
        if ok:
            self.errors.pop(key, None)
        else:
            self.errors[key] = (typed, self._last_error())
            field = self._field(key)
            if field is not None:
                self._keep_typed(key, field)
        self._error_line(key)
        return ok

    def _field(self, key: str) -> w.Text | None:
        if key.startswith("param:"):
            return self.fields.get(key[len("param:"):])
        return {"name": self.name_field, "source": self.source_field}.get(key) or \
            self.fields.get(key)

    def _keep_typed(self, key: str, field: w.Text) -> None:
        if key in self.errors:
            self._quiet = True
            try:
                field.value = self.errors[key][0]
            finally:
                self._quiet = False

    def _error_line(self, key: str) -> w.HTML:
        """The label beside field `key` (kept, so that showing an error moves no focus)."""
        label = self._error_labels.get(key)
        if label is None:
            label = self._error_labels[key] = w.HTML()
            label.add_class("pw-field-error")
        label.value = (f"<span style='color:#b00'>&#9888; {html.escape(self.errors[key][1])}"
                       f"</span>" if key in self.errors else "")
        return label

    def _with_error(self, key: str, field: w.Widget) -> w.Widget:
        return w.VBox([field, self._error_line(key)])

    def _dependencies_row(self, step) -> w.Widget:
        """Files (globs, comma-separated) whose change re-runs the step, besides its code."""
        base = step.cwd
        shown = ", ".join(_relative_to(d, base) for d in step.dependencies)
        field = w.Text(description="dependencies", value=shown, continuous_update=False,
                       placeholder="e.g. conf/*.toml, data/lookup.csv",
                       style={"description_width": "initial"}, layout=w.Layout(width="95%"))
        field.add_class("pw-dependencies")
        field.observe(lambda change: self._set_dependencies(change["new"]), "value")
        self.dependencies_field = field
        return field

    def _set_dependencies(self, text: str) -> None:
        if self._quiet or not self.step_name:
            return
        name, pipeline = self.step_name, self._pipeline()
        base = pipeline.step(name).cwd
        patterns = [str(base / p.strip()) for p in text.split(",") if p.strip()]
        if self._edit(f"dependencies of {name!r}",
                      lambda: editing.set_dependencies(pipeline, name, patterns)):
            self._say(f"step {name!r}: dependencies {text or '(none)'}")


# Help text wraps at about 60 characters, under its field: a long comment in a notebook's
# parameters cell stays readable and never widens the panel.
HELP_WIDTH = "34em"


def help_line(type_name: str, help_text: str) -> w.HTML:
    """A parameter's type and help, wrapped at a readable width."""
    text = html.escape(type_name) + (f" - {html.escape(help_text)}" if help_text else "")
    line = w.HTML(f"<div class='pw-param-help' style='white-space:normal;line-height:1.3;"
                  f"overflow-wrap:anywhere;max-width:{HELP_WIDTH}'><small>{text}</small></div>",
                  layout=w.Layout(max_width=HELP_WIDTH))
    line.add_class("pw-param-hint")
    return line


def _signature(step) -> tuple:
    """What the panel's fields depend on: rebuilt only when this changes."""
    source = step.source
    return (step.name, step.kind, str(source), tuple(i.name for i in step.inputs),
            tuple(o.name for o in step.outputs))


_UNSET = object()


def _field_text(value: Any) -> str:
    if value is _UNSET:
        return ""
    return f"={value.name}" if isinstance(value, PipelineParameter) else show(value)


def _pipeline_parameter(pipeline: Pipeline, name: str, default: Any) -> PipelineParameter:
    """The pipeline's parameter `name`, or a new one whose default is the notebook's."""
    existing = pipeline.parameters.get(name)
    return existing if existing is not None else PipelineParameter(name, default)


def _relative_to(path: str, base: Path) -> str:
    """A dependency as typed: relative to the step's folder (with .. where needed)."""
    return os.path.relpath(path, base)
