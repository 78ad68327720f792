"""What a run would do now, without running: each step reused (and from which run) or run
(and why). The plan is built as a run builds it, so the answer is the run's own; nothing is
written, no kernel starts."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ...core.pipeline import PipelineModel
from ..reuse.cache import ReuseCache
from .build import build


@dataclass
class StepStatus:
    """One step's fate in the next run."""

    name: str
    would_run: bool
    reasons: list[str] = field(default_factory=list)   # why it would run (empty: reused)
    reused_from: str | None = None                      # the run whose result it would reuse
    upstream: list[str] = field(default_factory=list)
    selected: bool = True                               # False: left out of a partial run

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def status(pipeline: PipelineModel, parameters: dict[str, Any], regenerate_outputs: bool = False,
           selected: set[str] | None = None) -> list[StepStatus]:
    """Each step's status, in the order the steps would run."""
    plan = build(pipeline, "status", parameters, ReuseCache(pipeline.workspace),
                 regenerate_outputs, selected)
    return [StepStatus(s.name, not s.reused and s.selected, list(s.why_not_reused),
                       (s.reused_from or {}).get("run_id"), list(s.upstream), s.selected)
            for s in plan.steps.values()]
