"""The one place that decides reuse: "reuse this earlier result", or why not.

A result is reused when its declared fingerprint matches (code, values, datasets,
lineage), its outputs are exactly as its run left them, and everything its run was seen
to read (reads.py) is unchanged. Otherwise the step runs, and the reason names the
changed thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import ReuseCache
from .explain import explain
from .reads import interpreter_now, stale


@dataclass
class Decision:
    entry: dict[str, Any] | None = None     # the result to reuse
    reasons: list[str] = field(default_factory=list)   # why the step runs


def decide(cache: ReuseCache, pipeline_name: str, slug: str, fingerprint: str,
           components: dict[str, Any], kernel_name: str | None, *,
           interpreter: str | None = None, allow_reuse: bool = True,
           regenerate: bool = False, upstream_reused: bool = True) -> Decision:
    """Reuse the newest earlier result of `fingerprint` that still applies, or say why the
    step runs (`slug` finds the step's latest components, for a changed fingerprint)."""
    if not allow_reuse:
        return Decision(reasons=["allow_reuse is off for this step"])
    if regenerate:
        return Decision(reasons=["outputs regenerated on request"])
    if not upstream_reused:
        return Decision(reasons=["an upstream step runs again"])
    first_reason: str | None = None
    project = Path(cache.workspace.path)
    program: Any = ...
    for entry in cache.candidates(fingerprint):
        why = cache.damage(entry)
        if why is None:
            if program is ...:
                program = interpreter_now(kernel_name, interpreter)
            why = stale(entry["reads"], project, cache.digests, program)
        if why is None:
            return Decision(entry=entry)
        first_reason = first_reason or why
    if first_reason is not None:
        return Decision(reasons=[first_reason])
    return Decision(reasons=explain(cache.last_components(pipeline_name, slug), components))
