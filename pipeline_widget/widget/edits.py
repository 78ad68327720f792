"""The designer's edit history: all-or-nothing edits and undo over core's editing API.

Every edit (a function of `core.editing`) runs inside `EditHistory.apply`: a snapshot is
taken first, and if the edit raises PipelineError or brings in a structural problem (a
cycle, a duplicate name, two producers...), the snapshot is restored, so a refused edit
leaves the model as it was. The snapshots also give undo.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from ..core import PipelineError, editing
from ..core.names import suggest_identifier
from ..core.script_source import ScriptOption, named_inputs, says_written, script_options
from ..core.validation import Problem
from ..run import Pipeline, notebook_parameters

# Problems an edit may not introduce: they make the drawing itself wrong, not just unfinished.
REFUSED = frozenset({"duplicate_step", "duplicate_data", "two_producers", "self_loop",
                     "duplicate_input", "cycle", "parameter_conflict"})


def structural_problems(pipeline: Pipeline) -> list[Problem]:
    """The problems in REFUSED (an empty pipeline has none: it is where drawing starts)."""
    if not pipeline.steps:
        return []
    return [p for p in pipeline.validate() if p.code in REFUSED]


class EditHistory:
    """Applies edits atomically and remembers the state before each for undo (and the state
    an undo left, for redo, until the next edit)."""

    def __init__(self, pipeline: Pipeline, depth: int = 50) -> None:
        self.pipeline = pipeline
        self.depth = depth
        self._undo: list[tuple[str, list]] = []
        self._redo: list[tuple[str, list]] = []

    def apply(self, label: str, edit: Callable[[], Any]) -> Any:
        """Run `edit()`; on any error or new structural problem, put the steps back and raise."""
        before = editing.snapshot(self.pipeline)
        known = Counter(p.code for p in structural_problems(self.pipeline))
        try:
            result = edit()
            after = structural_problems(self.pipeline)
            grown = Counter(p.code for p in after) - known  # renames change messages, not counts
            if grown:
                raise PipelineError(next(p.message for p in reversed(after) if p.code in grown))
        except BaseException:
            editing.restore(self.pipeline, before)
            raise
        self._undo.append((label, before))
        del self._undo[:-self.depth]
        self._redo.clear()
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str:
        """Go back to the steps before the last edit; returns that edit's label."""
        if not self._undo:
            raise PipelineError("there is nothing to undo")
        label, steps = self._undo.pop()
        self._redo.append((label, editing.snapshot(self.pipeline)))
        editing.restore(self.pipeline, steps)
        return label

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def redo(self) -> str:
        """Make the last undone edit again; returns its label."""
        if not self._redo:
            raise PipelineError("there is nothing to redo")
        label, steps = self._redo.pop()
        self._undo.append((label, editing.snapshot(self.pipeline)))
        editing.restore(self.pipeline, steps)
        return label


def default_data_name(pipeline: Pipeline, producer: str) -> str:
    """The producer's first output; else an output parameter of its notebook (one whose help
    says it is written, or that defaults to None); else a new name made from the step's."""
    step = pipeline.step(producer)
    if step.outputs:
        return step.outputs[0].name
    taken = {d.name for d in pipeline.data} | {i.name for i in step.inputs}
    try:
        params = notebook_parameters(step.source) if step.takes_parameters else []
    except (OSError, PipelineError):
        params = []
    if params:
        written = [p.name for p in params if says_written(p.help)]
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




def _free_parameters(step) -> list:
    """A notebook step's parameters not yet given a value or a link."""
    if not step.takes_parameters:
        return []
    try:
        params = notebook_parameters(step.source)
    except (OSError, PipelineError):
        return []
    used = {d.name for d in [*step.input_data, *step.outputs]} | set(step.parameters)
    return [p for p in params if p.name not in used]


def link_name(pipeline: Pipeline, producer: str, consumer: str) -> str:
    """The PipelineData name for a link, once both ends are known: one name is both ends'
    variable, so a name both notebooks declare comes first (the producer's existing output
    for a fan-out, else a free parameter of each); a script producer takes its path as an
    argument, so then the consumer's free input parameter; else `default_data_name`."""
    src, dst = pipeline.step(producer), pipeline.step(consumer)
    wanted = {p.name for p in _free_parameters(dst)}
    for out in src.outputs:
        if out.name in wanted:
            return out.name
    taken = {d.name for d in pipeline.data}
    if src.takes_parameters:
        mine = [p.name for p in _free_parameters(src)]
        both = [name for name in mine if name in wanted and name not in taken]
        if both:
            return both[0]
    elif not src.outputs:
        inputs = [p.name for p in _free_parameters(dst) if p.default is None or
                  isinstance(p.default, str)]
        for name in inputs:
            if name not in taken:
                return name
    return default_data_name(pipeline, producer)


def pass_output(pipeline: Pipeline, step_name: str, data_name: str) -> str | None:
    """A script learns its output folder from an argument: when its arguments do not pass
    `data_name` yet, pass it to the option its source declares for it (one named like the
    data, else the first whose help says it is written). Returns the option, or None."""
    step = pipeline.step(step_name)
    if step.takes_parameters:
        return None
    data = next(o for o in step.outputs if o.name == data_name)
    if any(a is data for a in step.passed_references()):
        return None
    options = _free_options(step)
    chosen = next((o for o in options if o.dest == data_name), None) or \
        next((o for o in options if o.is_output), None)
    if chosen is None:
        return None
    editing.append_arguments(pipeline, step_name, [chosen.flag, data])
    return chosen.flag


def dataset_input_guess(pipeline: Pipeline, step_name: str) -> str:
    """The name a new dataset input of the step should have: one its script looks up in
    `input_datasets` and that it does not get yet; else a free notebook parameter without a
    default."""
    step = pipeline.step(step_name)
    have = {i.name for i in step.inputs}
    if not step.takes_parameters:
        return next((n for n in named_inputs(step.source) if n not in have), "")
    return next((p.name for p in _free_parameters(step) if p.default is None), "")


def output_suggestions(pipeline: Pipeline, step_name: str) -> list[str]:
    """Names for an output of the step, best first: a notebook's free parameters whose help
    says they are written (or that hold a folder name), or a script's output options."""
    step = pipeline.step(step_name)
    taken = {d.name for d in pipeline.data}
    if step.takes_parameters:
        free = [p for p in _free_parameters(step) if p.name not in taken]
        said = [p.name for p in free if says_written(p.help)]
        return said + [p.name for p in free if isinstance(p.default, str) and p.name not in said]
    return [o.dest for o in _free_options(step) if o.is_output and o.dest not in taken]


def read_by_name(pipeline: Pipeline, step_name: str) -> list[tuple[str, str]]:
    """Link the step's free notebook parameters named like PipelineData another step writes
    (a notebook that declares `prepped` wants the `prepped` folder); returns (writer, data)."""
    step = pipeline.step(step_name)
    writers = {o.name: s.name for s in pipeline.steps if s is not step for o in s.outputs}
    linked = []
    for p in _free_parameters(step):
        if p.name in writers:
            editing.connect(pipeline, writers[p.name], step_name, p.name)
            linked.append((writers[p.name], p.name))
    return linked


def _free_options(step) -> list[ScriptOption]:
    """A script step's declared options that its arguments do not pass yet."""
    used = {a for a in getattr(step, "arguments", []) if isinstance(a, str)}
    return [o for o in script_options(step.source) if o.flag not in used]
