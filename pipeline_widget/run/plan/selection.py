"""Partial runs: which steps a run is for (--only, --from, --to), and what that asks of the
others. Steps upstream of the selection must be reused (their latest result of the same
fingerprint); with none to reuse, the run is refused, naming the step. Other steps are
left out: recorded as not selected."""
from __future__ import annotations

from typing import Iterable

from ...core.errors import PipelineError
from ...core.pipeline import PipelineModel
from .model import RunPlan

NOT_SELECTED = "not selected for this run"


def _closure(start: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    found, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(edges.get(name, []))
    return found


def selected_steps(pipeline: PipelineModel, only: Iterable[str] = (),
                   from_steps: Iterable[str] = (), to_steps: Iterable[str] = ()) -> set[str] | None:
    """The names a run is for; None when nothing was chosen (the whole pipeline)."""
    only, from_steps, to_steps = list(only), list(from_steps), list(to_steps)
    if not (only or from_steps or to_steps):
        return None
    for name in [*only, *from_steps, *to_steps]:
        pipeline.step(name)   # an unknown name is refused, with the step names
    upstream = pipeline.upstream()
    downstream: dict[str, list[str]] = {}
    for name, ups in upstream.items():
        for u in ups:
            downstream.setdefault(u, []).append(name)
    return set(only) | _closure(from_steps, downstream) | _closure(to_steps, upstream)


def apply(plan: RunPlan, selected: set[str] | None) -> None:
    """Mark the steps left out; refuse when one the selection reads has nothing to reuse."""
    if selected is None:
        return
    feeding = _closure(selected, plan.upstream) - selected
    missing = [n for n, s in plan.steps.items() if n in feeding and not s.reused and not s.kept]
    if missing:
        first = plan.steps[missing[0]]
        raise PipelineError(
            f"{'step' if len(missing) == 1 else 'steps'} {', '.join(map(repr, missing))} "
            f"{'runs' if len(missing) == 1 else 'run'} before the selected steps and "
            f"{'has' if len(missing) == 1 else 'have'} no result to reuse (first: "
            f"{'; '.join(first.why_not_reused) or 'it would run'}); select "
            f"{'it' if len(missing) == 1 else 'them'} too (e.g. --to a selected step) or run "
            f"the pipeline once without a selection")
    for name, step in plan.steps.items():
        if name in selected or name in feeding or step.kept:
            continue
        step.selected = False
        step.reused_from = None
        step.why_not_reused = [NOT_SELECTED]
