"""Runs side by side: each run's parameters and the metrics its steps logged, for tables
(`pipeline-widget runs --metrics`, the designer's runs panel) and plots."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..core.workspace import Workspace
from .records import store

DAMAGED = "DAMAGED"   # the status shown for a run whose record cannot be read


@dataclass
class RunSummary:
    run_id: str
    pipeline_name: str
    status: str
    start_time: float | None
    parameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)   # "step.metric" -> its last value
    damaged: str | None = None   # why its record cannot be read (and what to do)


def summaries(workspace: Workspace, pipeline_name: str | None = None,
              include_damaged: bool = False) -> list[RunSummary]:
    """Every readable run, oldest first; with `include_damaged`, also each record that cannot
    be read, with status DAMAGED and why (store.list_runs)."""
    found = []
    for r in store.list_runs(workspace, pipeline_name, include_damaged):
        if r.damaged:
            found.append(RunSummary(r.run_id, r.pipeline_name, DAMAGED, r.start_time,
                                    damaged=r.damaged))
            continue
        metrics = {f"{s.name}.{name}": value for s in r.steps.values()
                   for name, value in s.get_metrics().items()}
        found.append(RunSummary(r.run_id, r.pipeline_name, r.status.value, r.start_time,
                                dict(r.parameters), metrics))
    return found


def shown(value: Any) -> str:
    """A parameter's or metric's value in a table: floats to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def columns(runs: list[RunSummary]) -> tuple[list[str], list[str]]:
    """The parameter names and the metric names any of the runs has, in first-seen order."""
    params = list(dict.fromkeys(k for r in runs for k in r.parameters))
    metrics = list(dict.fromkeys(k for r in runs for k in r.metrics))
    return params, metrics


def series(runs: list[RunSummary], metric: str) -> list[tuple[str, float]]:
    """(run id, value) of one numeric metric across runs, for a plot."""
    return [(r.run_id, float(r.metrics[metric])) for r in runs
            if isinstance(r.metrics.get(metric), (int, float))
            and not isinstance(r.metrics.get(metric), bool)]
