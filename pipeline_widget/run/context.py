"""Run.get_context(): what a running step sees of its run; an offline stand-in otherwise.

The runner writes the step's context to a JSON file and names it in the
CONTEXT_ENV environment variable of the step's kernel or process.
"""
from __future__ import annotations

import json
import os
import time
from collections import deque
from typing import Any

from ..core.dataset import Dataset
from ..core.jsonfiles import loads
from .records.model import Metric

CONTEXT_ENV = "PIPELINE_WIDGET_CONTEXT"


class Run:
    """The context of a running step (Azure ML's `Run.get_context()`)."""

    def __init__(self, context: dict) -> None:
        self._context = context
        self.id: str = context.get("step_run_id", "")
        self.run_id: str = context.get("run_id", "")
        self.step_name: str = context.get("step", "")
        self.input_datasets: dict[str, Dataset] = {
            n: Dataset.from_dict(d) for n, d in context.get("input_datasets", {}).items()}
        self.inputs: dict[str, str] = dict(context.get("inputs", {}))
        self.outputs: dict[str, str] = dict(context.get("outputs", {}))
        self.parameters: dict[str, Any] = dict(context.get("parameters", {}))
        self._metrics_file: str | None = context.get("metrics_file")

    @property
    def offline(self) -> bool:
        return self._metrics_file is None

    @staticmethod
    def get_context() -> "Run":
        """The step's context inside a pipeline run; an offline context anywhere else."""
        path = os.environ.get(CONTEXT_ENV)
        if path:
            try:
                with open(path, encoding="utf-8") as f:
                    return Run(loads(f.read()))
            except (OSError, ValueError):
                pass
        return OfflineRun()

    def log(self, name: str, value: Any, description: str = "") -> None:
        """Record a metric in the run record (one JSON line per call)."""
        line = json.dumps({"name": str(name), "value": value, "time": time.time(),
                           **({"description": description} if description else {})}, default=str)
        with open(self._metrics_file, "a", encoding="utf-8") as f:  # type: ignore[arg-type]
            f.write(line + "\n")

    def log_list(self, name: str, value: list, description: str = "") -> None:
        self.log(name, list(value), description)

    def log_row(self, name: str, description: str = "", **values: Any) -> None:
        self.log(name, dict(values), description)

    def get_metrics(self, name: str | None = None) -> dict[str, Any]:
        """What this step logged so far: name -> value (a repeated name: its values)."""
        values: dict[str, list[Any]] = {}
        for m in read_metrics(self._metrics_file) if self._metrics_file else []:
            if name is None or m.name == name:
                values.setdefault(m.name, []).append(m.value)
        return {n: v[0] if len(v) == 1 else v for n, v in values.items()}

    def complete(self) -> None:
        """The runner ends the step when its code ends; nothing to do."""

    @property
    def parent(self) -> "_RunRef":
        """The pipeline run this step belongs to."""
        return _RunRef(self.run_id)

    @property
    def experiment(self) -> "_RunRef":
        return _RunRef(self.run_id.rsplit("_", 3)[0] if self.run_id else "")

    def __repr__(self) -> str:
        return f"Run(step={self.step_name!r}, run_id={self.run_id!r})"


class _RunRef:
    """A name to print and compare (`run.parent.id`, `run.experiment.name`)."""

    def __init__(self, name: str) -> None:
        self.id = self.name = name

    def __repr__(self) -> str:
        return self.name


class OfflineRun(Run):
    """Outside a pipeline, as Azure ML's offline run: empty inputs, an id that starts with
    OfflineRun_, and `log` prints instead of recording."""

    def __init__(self) -> None:
        import uuid

        super().__init__({"step_run_id": f"OfflineRun_{uuid.uuid4()}"})

    def log(self, name: str, value: Any, description: str = "") -> None:
        print(f"Attempted to log scalar metric {name}:\n{value}")


MAX_METRICS = 10_000        # kept of a step's logged values: the last ones
MAX_METRIC_LINE = 64 * 1024  # bytes of one logged value; a longer one is skipped


def read_metrics(path: str) -> list[Metric]:
    """The metrics a step logged, from its metrics file: the last MAX_METRICS of them, each
    at most MAX_METRIC_LINE long (lines cut by a killed step skipped), so the runner's
    memory and the run record stay bounded whatever a step logs."""
    metrics: deque[Metric] = deque(maxlen=MAX_METRICS)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            while line := f.readline(MAX_METRIC_LINE + 1):
                if len(line) > MAX_METRIC_LINE:   # skip the rest of an overlong line
                    while line and not line.endswith("\n"):
                        line = f.readline(MAX_METRIC_LINE + 1)
                    continue
                try:
                    item = loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    metrics.append(Metric.from_dict(item))
    except FileNotFoundError:
        pass
    return list(metrics)
