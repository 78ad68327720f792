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
                                {**r.parameters, **_step_parameters(r.pipeline)}, metrics))
    return found


def _step_parameters(saved: dict[str, Any]) -> dict[str, Any]:
    """"step.parameter" -> the value a step's own parameters gave it in a run (from the
    pipeline as the run recorded it; bound ones are pipeline parameters)."""
    found: dict[str, Any] = {}
    for step in saved.get("steps", []) if isinstance(saved, dict) else []:
        own = step.get("parameters") if isinstance(step, dict) else None
        if isinstance(own, dict):
            found.update({f"{step.get('name')}.{k}": v for k, v in own.items()})
    return found


def is_step_parameter(key: str) -> bool:
    """Pipeline parameters are identifiers; a step's are "step.parameter"."""
    return "." in key


SIGNIFICANT = 4       # digits a float is shown with, unless its column needs more
MAX_SIGNIFICANT = 17  # enough for any float to read back as itself


def shown(value: Any, digits: int = SIGNIFICANT) -> str:
    """A parameter's or metric's value in a table: floats to `digits` significant digits."""
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def shown_column(values: list[Any]) -> list[str]:
    """A column's values as shown: floats with the fewest digits (at least SIGNIFICANT) at
    which values that differ still look different (0.1 and 0.10001 are not both "0.1")."""
    distinct = {repr(v) for v in values}
    for digits in range(SIGNIFICANT, MAX_SIGNIFICANT + 1):
        texts = [shown(v, digits) for v in values]
        if len(set(texts)) == len(distinct):
            return texts
    return [shown(v, MAX_SIGNIFICANT) for v in values]


def columns(runs: list[RunSummary]) -> tuple[list[str], list[str]]:
    """The parameter names and the metric names of the runs, in first-seen order: every
    pipeline parameter, and each step parameter whose value differs between the runs."""
    keys = list(dict.fromkeys(k for r in runs for k in r.parameters))
    params = [k for k in keys if not is_step_parameter(k) or len(
        {json.dumps(r.parameters.get(k, None), sort_keys=True, default=str) for r in runs}) > 1]
    metrics = list(dict.fromkeys(k for r in runs for k in r.metrics))
    return params, metrics


def series(runs: list[RunSummary], metric: str) -> list[tuple[str, float]]:
    """(run id, value) of one numeric metric across runs, for a plot."""
    return [(r.run_id, float(r.metrics[metric])) for r in runs
            if isinstance(r.metrics.get(metric), (int, float))
            and not isinstance(r.metrics.get(metric), bool)]
