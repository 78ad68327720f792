"""The properties panel: edits the selected step (name, reuse, parameters, dataset inputs)
or the selected link (its PipelineData name). Every change goes through the designer's edit."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import PipelineError, PipelineParameter, editing
from ..run import Pipeline, notebook_parameters
from .elements import edge_id
from .parameters import parse, show

Edit = Callable[[str, Callable[[], Any]], bool]


class PropertiesPanel(w.VBox):
    def __init__(self, pipeline: Callable[[], Pipeline], edit: Edit, say: Callable[..., None],
                 select: Callable[[tuple[str, str]], None]) -> None:
        super().__init__(layout=w.Layout(width="100%"))
        self.add_class("pw-properties")
        self._pipeline, self._edit, self._say, self._select = pipeline, edit, say, select
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
        self.dataset_pick = w.Dropdown(description="dataset", options=[])
        self.dataset_pick.add_class("pw-dataset")
        self.dataset_as = w.Text(description="as", placeholder="raw_data")
        self.dataset_add = w.Button(description="Add dataset input")
        self.dataset_add.add_class("pw-add-dataset")
        self.dataset_add.on_click(self._add_dataset)
        self._quiet = False
        self.show_nothing()

    # -- what is shown ------------------------------------------------------------------
    def show_nothing(self) -> None:
        self.step_name, self.link, self._shown = None, None, None
        self.children = [w.HTML("<i>Click a step or a link to see and edit it.</i>")]

    def show_step(self, name: str) -> None:
        pipeline = self._pipeline()
        step = pipeline.step(name)
        if self.step_name != name:
            self.dataset_as.value = ""   # a name typed for another step is not this one's
        self.step_name, self.link, self._shown = name, None, _signature(step)
        self._quiet = True
        try:
            self.name_field.description = "step"
            self.name_field.value = step.name
            self.reuse_box.value = step.allow_reuse
            self.retries_field.value = step.retries or 0
        finally:
            self._quiet = False
        source = step.source
        rows: list[w.Widget] = [
            w.HTML(f"<b>{type(step).__name__}</b> <code>{source.name}</code>"),
            self.name_field, w.HBox([self.reuse_box, self.retries_field])]
        rows += self._parameter_rows(step)
        rows.append(self._dependencies_row(step))
        datasets = sorted(pipeline.workspace.datasets)
        if datasets:
            if tuple(self.dataset_pick.options) != tuple(datasets):
                self.dataset_pick.options = datasets
            if self.dataset_pick.value not in datasets:
                self.dataset_pick.value = datasets[0]
            rows += [w.HTML("<b>named dataset input</b>"),
                     w.HBox([self.dataset_pick, self.dataset_as, self.dataset_add])]
        self.children = rows

    def show_link(self, producer: str, consumer: str, data: str) -> None:
        self.step_name, self.link, self._shown = None, (producer, consumer, data), None
        self._quiet = True
        try:
            self.name_field.description = "data"
            self.name_field.value = data
        finally:
            self._quiet = False
        self.children = [w.HTML(f"<b>PipelineData</b> written by <b>{producer}</b>, "
                                f"read by <b>{consumer}</b>"), self.name_field]

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
            else:
                self.fields["arguments"].value = editing.arguments_text(step)  # type: ignore[arg-type]
        finally:
            self._quiet = False

    def _parameter_rows(self, step) -> list[w.Widget]:
        self.fields = {}
        if not step.takes_parameters:
            field = w.Text(description="arguments", value=editing.arguments_text(step),
                           continuous_update=False, placeholder="--folder {prepped}",
                           layout=w.Layout(width="95%"))
            field.add_class("pw-arguments")
            field.observe(lambda change: self._set_arguments(change["new"]), "value")
            self.fields = {"arguments": field}
            return [field, w.HTML("<small>{name}: the path of the step's input or output "
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
            hint = f"{p.type_name or 'any'}" + (f" - {p.help}" if p.help else "")
            rows.append(w.HBox([field, w.HTML(f"<small>{hint}</small>")]))
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
            if self._edit(f"rename step {old!r}", lambda: editing.rename_step(pipeline, old, new)):
                self._select(("node", new))
                self._say(f"renamed step {old!r} to {new!r}")
        elif self.link:
            producer, consumer, old = self.link
            if self._edit(f"rename {old!r}", lambda: editing.rename_data(pipeline, old, new)):
                self._select(("edge", edge_id(producer, consumer, new)))
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
        name, pipeline = self.step_name, self._pipeline()
        if not text.strip():
            if self._edit(f"clear {p.name}", lambda: editing.clear_parameter(pipeline, name, p.name)):
                self._say(f"step {name!r}: {p.name} is the notebook's default again")
            return
        try:
            if text.strip().startswith("="):
                value = _pipeline_parameter(pipeline, text.strip()[1:].strip(), p.default)
            else:
                value = parse(text, p.type_name, f"parameter {p.name!r} of step {name!r}")
        except PipelineError as err:
            self._say(str(err), error=True)
            return
        if self._edit(f"set {p.name}", lambda: editing.set_parameter(pipeline, name, p.name, value)):
            self._say(f"step {name!r}: {p.name} = {value!r}")

    def _set_arguments(self, text: str) -> None:
        if self._quiet or not self.step_name:
            return
        name, pipeline = self.step_name, self._pipeline()
        if self._edit(f"arguments of {name!r}", lambda: editing.set_arguments(pipeline, name, text)):
            self._say(f"step {name!r}: arguments {text}")

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

    def _add_dataset(self, _=None) -> None:
        if not self.step_name or not self.dataset_pick.value:
            self._say("pick a registered dataset first", error=True)
            return
        name, pipeline = self.step_name, self._pipeline()
        dataset_name = self.dataset_pick.value
        as_name = self.dataset_as.value.strip() or dataset_name

        def add() -> None:
            from ..core import Dataset
            editing.add_dataset_input(pipeline, name, Dataset.get_by_name(pipeline.workspace,
                                                                        dataset_name), as_name)
        if self._edit(f"dataset input {as_name!r}", add):
            self._say(f"step {name!r} reads dataset {dataset_name!r} as {as_name!r}")


def _signature(step) -> tuple:
    """What the panel's fields depend on: rebuilt only when this changes."""
    source = step.source
    return (step.name, str(source), tuple(i.name for i in step.inputs),
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
