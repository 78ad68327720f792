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
    """Applies edits atomically and remembers the state before each for undo."""

    def __init__(self, pipeline: Pipeline, depth: int = 50) -> None:
        self.pipeline = pipeline
        self.depth = depth
        self._undo: list[tuple[str, list]] = []

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
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str:
        """Go back to the steps before the last edit; returns that edit's label."""
        if not self._undo:
            raise PipelineError("there is nothing to undo")
        label, steps = self._undo.pop()
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
