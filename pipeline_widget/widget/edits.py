"""Edits of the core model made by the designer, each all-or-nothing.

Every edit runs inside `EditHistory.apply`: the steps are copied first, and if the edit
raises PipelineError or brings in a structural problem (a cycle, a duplicate name, two
producers...), the copy is put back, so a refused edit leaves the model as it was. The
copies also give undo.
"""
from __future__ import annotations

import copy
from collections import Counter
import os
from pathlib import Path
from typing import Any, Callable

from ..core import (Dataset, NotebookStep, PipelineData, PipelineError, PythonScriptStep)
from ..core.names import check_identifier, check_step_name, suggest_identifier
from ..core.pipeline import Pipeline
from ..core.steps import check_parameters
from ..core.validation import Problem
from .parameters import notebook_parameters

# Problems an edit may not introduce: they make the drawing itself wrong, not just unfinished.
REFUSED = frozenset({"duplicate_step", "duplicate_data", "two_producers", "self_loop",
                     "duplicate_input", "cycle", "parameter_conflict"})


def structural_problems(pipeline: Pipeline) -> list[Problem]:
    """The problems in REFUSED (an empty pipeline has none: it is where drawing starts)."""
    if not pipeline.steps:
        return []
    return [p for p in pipeline.validate() if p.code in REFUSED]


class EditHistory:
    """Applies edits atomically and remembers the state before each for undo."""

    def __init__(self, pipeline: Pipeline, depth: int = 50) -> None:
        self.pipeline = pipeline
        self.depth = depth
        self._undo: list[tuple[str, list]] = []

    def apply(self, label: str, edit: Callable[[], Any]) -> Any:
        """Run `edit()`; on any error or new structural problem, put the steps back and raise."""
        before = copy.deepcopy(self.pipeline.steps)
        known = Counter(p.code for p in structural_problems(self.pipeline))
        try:
            result = edit()
            after = structural_problems(self.pipeline)
            grown = Counter(p.code for p in after) - known  # renames change messages, not counts
            if grown:
                raise PipelineError(next(p.message for p in reversed(after) if p.code in grown))
        except BaseException:
            self.pipeline.steps = before
            raise
        self._undo.append((label, before))
        del self._undo[:-self.depth]
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str:
        """Go back to the steps before the last edit; returns that edit's label."""
        if not self._undo:
            raise PipelineError("there is nothing to undo")
        label, steps = self._undo.pop()
        self.pipeline.steps = steps
        return label


# -- the edits: plain functions on the model ------------------------------------------------
def _step(pipeline: Pipeline, name: str):
    return pipeline.step(name)


def _unique_name(pipeline: Pipeline, name: str) -> None:
    check_step_name(name)
    if any(s.name == name for s in pipeline.steps):
        raise PipelineError(f"there is already a step named {name!r}; choose another name")


def add_step(pipeline: Pipeline, source: str | os.PathLike, name: str):
    """A NotebookStep for a .ipynb, a PythonScriptStep for a .py; appended to the pipeline."""
    path = Path(source).expanduser().absolute()
    _unique_name(pipeline, name)
    if not path.is_file():
        raise PipelineError(f"step {name!r}: {path} is not a file; pick a notebook (.ipynb) or "
                            f"a script (.py) that exists")
    if path.suffix == ".ipynb":
        step = NotebookStep(name=name, notebook=path)
    elif path.suffix == ".py":
        step = PythonScriptStep(name=name, script_name=path.name, source_directory=path.parent)
    else:
        raise PipelineError(f"step {name!r}: {path.name} is neither a notebook (.ipynb) nor a "
                            f"Python script (.py)")
    pipeline.steps.append(step)
    return step


def default_data_name(pipeline: Pipeline, producer: str) -> str:
    """The producer's first output; else an output parameter of its notebook (one whose help
    says it is written, or that defaults to None); else a new name made from the step's."""
    step = _step(pipeline, producer)
    if step.outputs:
        return step.outputs[0].name
    taken = {d.name for d in pipeline.data} | {i.name for i in step.inputs}
    if isinstance(step, NotebookStep):
        try:
            params = notebook_parameters(step.notebook)
        except (OSError, PipelineError):
            params = []
        written = [p.name for p in params if any(w in p.help.lower() for w in ("output", "write"))]
        empty = [p.name for p in params if p.default is None]
        for name in [*written, *empty]:
            if name not in taken:
                return name
    base = suggest_identifier(step.name.lower())
    base = base if base.endswith("_out") else f"{base}_out"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


def connect(pipeline: Pipeline, producer: str, consumer: str, data_name: str) -> PipelineData:
    """Link two steps by the PipelineData `data_name`: the producer's own, or a new one."""
    check_identifier(data_name, "PipelineData")
    if producer == consumer:
        raise PipelineError(f"step {producer!r} cannot read its own output; click another step "
                            f"as the consumer")
    src, dst = _step(pipeline, producer), _step(pipeline, consumer)
    data = next((o for o in src.outputs if o.name == data_name), None)
    if data is None:
        other = next((d for d in pipeline.data if d.name == data_name), None)
        if other is not None:
            writer = next((s.name for s in pipeline.steps if any(o is other for o in s.outputs)),
                          None)
            where = f"written by step {writer!r}" if writer else "already used in the pipeline"
            raise PipelineError(f"PipelineData {data_name!r} is {where}; give this link another "
                                f"name")
        data = PipelineData(data_name, datastore=pipeline.workspace.get_default_datastore())
        src.outputs.append(data)
        data._producers.append(src)
    if any(i is data for i in dst.inputs):
        raise PipelineError(f"step {consumer!r} already reads {data_name!r} from {producer!r}")
    dst.inputs.append(data)
    return data


def _readers(pipeline: Pipeline, data: PipelineData) -> list:
    return [s for s in pipeline.steps if any(i is data for i in s.input_data)]


def remove_link(pipeline: Pipeline, producer: str, consumer: str, data_name: str) -> None:
    """Take the PipelineData off the consumer; the producer drops it once nobody reads it."""
    src, dst = _step(pipeline, producer), _step(pipeline, consumer)
    data = next((i for i in dst.input_data if i.name == data_name), None)
    if data is None:
        raise PipelineError(f"step {consumer!r} does not read {data_name!r}")
    dst.inputs = [i for i in dst.inputs if i is not data]
    if not _readers(pipeline, data) and not _in_arguments(src, data):
        src.outputs = [o for o in src.outputs if o is not data]
        if src in data._producers:
            data._producers.remove(src)


def _in_arguments(step, data: PipelineData) -> bool:
    return isinstance(step, PythonScriptStep) and any(a is data for a in step.arguments)


def remove_step(pipeline: Pipeline, name: str) -> None:
    """Remove a step and its links; consumers stop reading what only it wrote."""
    step = _step(pipeline, name)
    pipeline.steps = [s for s in pipeline.steps if s is not step]
    step.unlink()
    for out in step.outputs:
        if out._producers:
            continue
        for reader in _readers(pipeline, out):
            reader.inputs = [i for i in reader.inputs if i is not out]


def clear(pipeline: Pipeline) -> None:
    """Remove every step (undoable like any edit): a blank canvas to draw on."""
    for step in pipeline.steps:
        step.unlink()
    pipeline.steps = []


def rename_step(pipeline: Pipeline, old: str, new: str) -> None:
    if old == new:
        return
    step = _step(pipeline, old)
    _unique_name(pipeline, new)
    step.name = new


def rename_data(pipeline: Pipeline, old: str, new: str) -> None:
    if old == new:
        return
    check_identifier(new, "PipelineData")
    found = [d for d in pipeline.data if d.name == old]
    if not found:
        raise PipelineError(f"the pipeline has no PipelineData named {old!r}")
    if any(d.name == new for d in pipeline.data):
        raise PipelineError(f"there is already a PipelineData named {new!r}; choose another name")
    for d in found:
        d.name = new


def set_parameter(pipeline: Pipeline, step_name: str, key: str, value: Any) -> None:
    step = _step(pipeline, step_name)
    if not isinstance(step, NotebookStep):
        raise PipelineError(f"step {step_name!r} is a script; scripts take arguments, not "
                            f"notebook parameters")
    check_identifier(key, f"step {step_name!r}: parameter")
    step.parameters = check_parameters(step_name, {**step.parameters, key: value})


def set_arguments(pipeline: Pipeline, step_name: str, text: str) -> None:
    """A script's arguments from a command line; `{name}` stands for the step's PipelineData
    or named dataset input `name`, or the pipeline parameter `name`."""
    import shlex

    step = _step(pipeline, step_name)
    if not isinstance(step, PythonScriptStep):
        raise PipelineError(f"step {step_name!r} is a notebook; notebooks take parameters, "
                            f"not arguments")
    try:
        tokens = shlex.split(text)
    except ValueError as err:
        raise PipelineError(f"step {step_name!r}: cannot read the arguments ({err}); check "
                            f"the quotes") from None
    named = {i.name: i for i in step.inputs}
    named.update({o.name: o for o in step.outputs})
    params = pipeline.parameters
    args: list[Any] = []
    for token in tokens:
        if token.startswith("{") and token.endswith("}") and len(token) > 2:
            ref = token[1:-1]
            item = named.get(ref) or params.get(ref)
            if item is None:
                raise PipelineError(
                    f"step {step_name!r}: argument {token} names no input, output or pipeline "
                    f"parameter; it has {', '.join(sorted({*named, *params})) or 'none'}")
            args.append(item)
        else:
            args.append(token)
    step.arguments = args


def arguments_text(step: PythonScriptStep) -> str:
    """The inverse of set_arguments' parsing, for showing in a field."""
    import shlex

    return " ".join(shlex.quote(a) if isinstance(a, str) else
                    f"{{{a.name}}}" if hasattr(a, "name") else str(a) for a in step.arguments)


def clear_parameter(pipeline: Pipeline, step_name: str, key: str) -> None:
    step = _step(pipeline, step_name)
    if isinstance(step, NotebookStep):
        step.parameters = {k: v for k, v in step.parameters.items() if k != key}


def set_allow_reuse(pipeline: Pipeline, step_name: str, allow: bool) -> None:
    _step(pipeline, step_name).allow_reuse = bool(allow)


def add_dataset_input(pipeline: Pipeline, step_name: str, dataset: Dataset, as_name: str) -> None:
    step = _step(pipeline, step_name)
    step.inputs.append(dataset.as_named_input(as_name))
