"""The fields a step's kind owns, edited in the properties panel, and its environment.

Which rows a step gets comes from its kind in the registry (`Step.fields_schema`, see
core/steps): a kind with `kernel_name` gets the kernel picker, one with `interpreter` the
interpreter field, one with `command` the command line; `source_directory` is a row of its
own for kinds without a source file (the *source* row moves a notebook or script). A kind
another package adds gets the rows of the fields it shares with these. Every step has
`environment`.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import PipelineError, editing
from ..core.environment import HIDDEN, reference
from ..core.steps import Step, kinds
from ..run import Pipeline

Edit = Callable[[str, Callable[[], Any]], bool]
DEFAULT_KERNEL_LABEL = "(the notebook's own)"


def installed_kernels() -> dict[str, str]:
    """Installed kernelspecs: name -> display name."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        specs = KernelSpecManager().get_all_specs()
    except Exception:   # a broken kernelspec folder: offer what the step already has
        return {}
    return {name: str(spec.get("spec", {}).get("display_name") or name)
            for name, spec in sorted(specs.items())}


def kernel_options(saved: str | None, installed: dict[str, str]) -> list[tuple[str, str]]:
    """The picker's (label, kernel name) options; a saved kernel that is not installed is
    kept, marked missing, so that looking at a step never changes it."""
    options = [(DEFAULT_KERNEL_LABEL, "")]
    options += [(f"{display} ({name})", name) for name, display in installed.items()]
    if saved and saved not in installed:
        options.append((f"{saved} (missing: not installed here)", saved))
    return options


# -- environment variables: NAME=value lines --------------------------------------------------
def environment_text(environment: dict[str, str]) -> str:
    return "\n".join(f"{name}={value}" for name, value in environment.items())


def parse_environment(step: str, text: str) -> dict[str, str]:
    """`NAME=value` or `NAME=${VAR}` per line (blank lines ignored), in order."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise PipelineError(f"step {step!r}: environment line {line.strip()!r} has no '='; "
                                f"write NAME=value, or NAME=${{VAR}} to pass the runner's VAR")
        found[name.strip()] = value.strip()
    return found


def environment_summary(environment: dict[str, str]) -> str:
    """What the step's process gets, as HTML: a value from a reference is shown as ***."""
    if not environment:
        return "<small><i>no variables of its own</i></small>"
    items = []
    for name, value in environment.items():
        ref = reference(value)
        shown = (f"{HIDDEN} <i>(the runner's {html.escape(ref)})</i>" if ref is not None
                 else html.escape(value))
        items.append(f"<code>{html.escape(name)}</code> = {shown}")
    return "<small>" + "; ".join(items) + "</small>"


# -- a kind's own fields, by any kind ----------------------------------------------------------
class _Same:
    """Names in a kind's saved fields -> the model's objects the step already holds."""

    def __init__(self, step: Step) -> None:
        self._params = {p.name: p for p in step.pipeline_parameters()}
        self._data = {d.name: d for d in [*step.input_data, *step.outputs]}

    def parameter(self, name: str) -> Any:
        return self._params[name]

    def data(self, name: str) -> Any:
        return self._data[name]


def replace_field(pipeline: Pipeline, step_name: str, field: str, value: Any) -> Step:
    """The step rebuilt by its kind with one of its own fields changed (checked as loading a
    file checks it); links, reuse, retries and environment are kept."""
    old = pipeline.step(step_name)
    kind = kinds()[old.kind]
    if field not in kind.fields_schema:
        raise PipelineError(f"step {step_name!r} is a {old.noun} step, which has no {field}")
    fields = {"type": old.kind, "name": old.name,
              **old.to_fields(lambda path: str(path), lambda item: item), field: value}
    common = dict(name=old.name, inputs=list(old.inputs), outputs=list(old.outputs),
                  allow_reuse=old.allow_reuse, timeout=old.timeout, retries=old.retries,
                  dependencies=list(old.dependencies), environment=dict(old.environment))
    new = kind.from_fields(fields, common, lambda path: Path(path), _Same(old))
    new.extensions = getattr(old, "extensions", None)   # type: ignore[attr-defined]
    old.unlink()
    pipeline.steps = [new if s is old else s for s in pipeline.steps]
    return new


class KindFields(w.VBox):
    """The selected step's kind fields and environment; refused edits keep what was typed,
    with the reason under it."""

    def __init__(self, pipeline: Callable[[], Pipeline], edit: Edit, say: Callable[..., None],
                 last_error: Callable[[], str]) -> None:
        super().__init__()
        self.add_class("pw-kind-fields")
        self._pipeline, self._edit, self._say, self._last_error = pipeline, edit, say, last_error
        self.step_name: str | None = None
        self.fields: dict[str, w.Widget] = {}
        self.errors: dict[str, w.HTML] = {}
        self._quiet = False
        self.environment_view = w.HTML()
        self.environment_view.add_class("pw-prop-environment-shown")

    def show(self, step: Step) -> None:
        """Rows for `step`'s kind (built afresh: another step, or another kind)."""
        self.step_name, self.fields, self.errors = step.name, {}, {}
        own = type(step).fields_schema
        rows: list[w.Widget] = []
        if "kernel_name" in own:
            rows += self._kernel_row(step)
        for field, label, hint in (
                ("command", "command", "e.g. Rscript report.R --data {prepped}"),
                ("source_directory", "folder", "the folder it runs in"),
                ("interpreter", "interpreter", "the runner's Python; or a path, or a kernel")):
            if field in own and not (field == "source_directory" and step.suffix):
                rows.append(self._text_row(field, label, hint, self._value(step, field)))
        rows += self._environment_rows(step)
        self.children = rows

    def refresh(self, step: Step) -> None:
        """After an edit: the values again, except in a field whose edit was refused."""
        if step.name != self.step_name:
            self.show(step)
            return
        self._quiet = True
        try:
            for field, widget in self.fields.items():
                if field in self.errors and self.errors[field].value:
                    continue
                value = self._value(step, field)
                if isinstance(widget, w.Dropdown) and value not in {v for _, v in
                                                                   widget.options}:
                    widget.options = kernel_options(value, installed_kernels())
                widget.value = value
        finally:
            self._quiet = False
        self.environment_view.value = environment_summary(step.environment)

    # -- rows -----------------------------------------------------------------------------
    def _value(self, step: Step, field: str) -> str:
        if field == "environment":
            return environment_text(step.environment)
        if field == "kernel_name":
            return getattr(step, "kernel_name", None) or ""
        value = getattr(step, field, None)
        if field == "source_directory" and value is not None:
            return os.path.relpath(value, Path.cwd())
        return "" if value is None else str(value)

    def _kernel_row(self, step: Step) -> list[w.Widget]:
        saved = self._value(step, "kernel_name")
        picker = w.Dropdown(description="kernel", options=kernel_options(
            saved or None, installed_kernels()), value=saved, layout=w.Layout(width="95%"),
            style={"description_width": "initial"})
        picker.add_class("pw-prop-kernel")
        picker.observe(lambda change: self._set("kernel_name", change["new"]), "value")
        self.fields["kernel_name"] = picker
        return [picker, self._error("kernel_name")]

    def _text_row(self, field: str, label: str, hint: str, value: str) -> w.Widget:
        text = w.Text(description=label, value=value, placeholder=hint, continuous_update=False,
                      layout=w.Layout(width="95%"), style={"description_width": "initial"})
        text.add_class(f"pw-prop-{field.replace('_', '-')}")
        text.observe(lambda change: self._set(field, change["new"]), "value")
        self.fields[field] = text
        return w.VBox([text, self._error(field)])

    def _environment_rows(self, step: Step) -> list[w.Widget]:
        area = w.Textarea(description="environment", value=environment_text(step.environment),
                          placeholder="NAME=value, or NAME=${VAR} for the runner's VAR "
                                      "(one a line)", continuous_update=False, rows=2,
                          layout=w.Layout(width="95%"), style={"description_width": "initial"})
        area.add_class("pw-prop-environment")
        area.observe(lambda change: self._set("environment", change["new"]), "value")
        self.fields["environment"] = area
        self.environment_view.value = environment_summary(step.environment)
        return [area, self.environment_view, self._error("environment")]

    def _error(self, field: str) -> w.HTML:
        label = self.errors[field] = w.HTML()
        label.add_class("pw-field-error")
        return label

    # -- edits ----------------------------------------------------------------------------
    def _set(self, field: str, typed: str) -> None:
        if self._quiet or not self.step_name:
            return
        name, pipeline = self.step_name, self._pipeline()
        try:
            change, said = self._change(pipeline, name, field, typed)
        except PipelineError as err:
            self._say(str(err), error=True)
            self._refused(field, str(err), typed)
            return
        if self._edit(f"{field} of {name!r}", change):
            self.errors[field].value = ""
            self._say(f"step {name!r}: {said}")
        else:
            self._refused(field, self._last_error(), typed)

    def _change(self, pipeline: Pipeline, name: str, field: str,
                typed: str) -> tuple[Callable[[], Any], str]:
        text = typed.strip()
        if field == "kernel_name":
            return (lambda: editing.set_kernel(pipeline, name, text or None),
                    f"kernel {text}" if text else "the notebook's own kernel")
        if field == "interpreter":
            return (lambda: editing.set_interpreter(pipeline, name, text or None),
                    f"interpreter {text}" if text else "the runner's own Python")
        if field == "environment":
            variables = parse_environment(name, typed)
            return (lambda: editing.set_environment(pipeline, name, variables),
                    "environment " + (", ".join(variables) or "(none)"))
        value: Any = str(Path(text).expanduser().absolute()) if field == "source_directory" \
            else text
        return lambda: replace_field(pipeline, name, field, value), f"{field} {text}"

    def _refused(self, field: str, why: str, typed: str) -> None:
        """The typed text stays in its field; the reason goes under it."""
        self.errors[field].value = f"<span style='color:#b00'>&#9888; {html.escape(why)}</span>"
        self._quiet = True
        try:
            self.fields[field].value = typed
        finally:
            self._quiet = False
