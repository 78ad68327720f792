"""PipelineRun: the handle of a run, live (in this process) or from its record."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.workspace import Workspace
from .cancel import CancelToken
from .events import EventBus, Status, StatusEvent
from .records import RunRecord, list_runs


@dataclass
class StepRun:
    """One step of a run, as recorded."""

    name: str
    status: str
    is_reused: bool = False
    start_time: float | None = None
    end_time: float | None = None
    notebook: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    error: dict | None = None
    metrics: list[dict] = field(default_factory=list)
    why_not_reused: list[str] = field(default_factory=list)
    reused_from: str | None = None
    step_run_id: str = ""
    worker: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None

    @property
    def duration(self) -> float | None:
        if self.start_time is None:
            return None
        return (self.end_time or time.time()) - self.start_time

    @property
    def display_status(self) -> str:
        return "Reused" if self.is_reused and self.status == Status.FINISHED.value else self.status

    def get_metrics(self) -> dict[str, Any]:
        return {m["name"]: m["value"] for m in self.metrics}

    @staticmethod
    def from_record(name: str, d: dict) -> "StepRun":
        known = StepRun.__dataclass_fields__
        return StepRun(name=name, **{k: v for k, v in d.items() if k in known and k != "name"})


class PipelineRun:
    """A submitted run. Live runs update as events arrive; others are read from disk."""

    def __init__(self, workspace: Workspace, record: RunRecord, bus: EventBus | None = None,
                 thread: threading.Thread | None = None, cancel: CancelToken | None = None) -> None:
        self.workspace = workspace
        self._record = record
        self._bus = bus or EventBus()
        self._thread = thread
        self._cancel = cancel

    @property
    def id(self) -> str:
        return self._record.run_id

    run_id = id

    @property
    def experiment_name(self) -> str:
        return self._record.data.get("experiment", "")

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self._record.data.get("parameters", {}))

    @property
    def record(self) -> dict:
        return self._record.data

    @property
    def is_live(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _refresh(self) -> RunRecord:
        if self._thread is None:  # not ours: another process may be writing it
            self._record = RunRecord.load(self.workspace, self.id)
        return self._record

    def get_status(self) -> str:
        return self._refresh().status

    def get_steps(self) -> list[StepRun]:
        return [StepRun.from_record(n, d) for n, d in self._refresh().steps().items()]

    def get_step(self, name: str) -> StepRun:
        for s in self.get_steps():
            if s.name == name:
                return s
        from ..core.errors import PipelineError

        raise PipelineError(f"run {self.id} has no step named {name!r}")

    def get_metrics(self) -> dict[str, dict[str, Any]]:
        return {s.name: s.get_metrics() for s in self.get_steps() if s.metrics}

    def subscribe(self, fn: Callable[[StatusEvent], None], replay: bool = True) -> Callable[[], None]:
        """Receive status events; with `replay`, first the ones already published."""
        return self._bus.subscribe(fn, replay=replay)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    def wait_for_completion(self, show_output: bool = True, timeout_seconds: float | None = None) -> str:
        """Block until the run ends (or the timeout passes); returns the run's status."""
        unsubscribe = None
        if show_output and self._thread is not None:
            from .progress import ProgressDisplay

            unsubscribe = self.subscribe(ProgressDisplay(len(self._record.data["steps"])))
        try:
            if self._thread is not None:
                self._thread.join(timeout_seconds)
            else:
                deadline = None if timeout_seconds is None else time.time() + timeout_seconds
                while not Status(self.get_status()).is_terminal:
                    if deadline is not None and time.time() > deadline:
                        break
                    time.sleep(0.2)
        finally:
            if unsubscribe:
                unsubscribe()
        return self.get_status()

    def get_pipeline(self):
        """The pipeline as it was submitted."""
        from .pipeline import Pipeline

        data = self._record.data
        return Pipeline.from_dict(data["pipeline"], self.workspace, data.get("base_dir"),
                                  source=f"run {self.id}")

    @staticmethod
    def get(workspace: Workspace, run_id: str) -> "PipelineRun":
        return PipelineRun(workspace, RunRecord.load(workspace, run_id))

    @staticmethod
    def list(workspace: Workspace, pipeline_name: str | None = None) -> list["PipelineRun"]:
        return [PipelineRun(workspace, r) for r in list_runs(workspace, pipeline_name)]

    def __repr__(self) -> str:
        return f"PipelineRun({self.id!r}, status={self.get_status()!r})"
