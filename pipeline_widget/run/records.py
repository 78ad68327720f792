"""Run records: one folder per run under the workspace, with a JSON manifest.

Layout (the only place it is defined):
    <workspace>/runs/<run id>/run.json                  the manifest
    <workspace>/runs/<run id>/steps/<step slug>/        executed notebook, logs, context, metrics
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

from ..core import atomic
from ..core.errors import PipelineError
from ..core.workspace import Workspace
from .events import Status

MANIFEST = "run.json"
EXECUTED_NOTEBOOK = "executed.ipynb"
STDOUT, STDERR = "stdout.txt", "stderr.txt"
CONTEXT, METRICS = "context.json", "metrics.jsonl"


def new_run_id(experiment: str) -> str:
    return f"{experiment}_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(3)}"


def run_dir(workspace: Workspace, run_id: str) -> Path:
    if not run_id or "/" in run_id or "\\" in run_id or run_id.startswith("."):
        raise PipelineError(f"{run_id!r} is not a run id; list runs with `pipeline-widget runs`")
    return workspace.runs_dir / run_id


def step_dir(workspace: Workspace, run_id: str, step_slug: str) -> Path:
    return run_dir(workspace, run_id) / "steps" / step_slug


def _process_started(pid: int) -> str | None:
    """When process `pid` started, in clock ticks since boot (Linux), so that a process that
    later got the same pid is not taken for the runner; None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def _pid_alive(pid: Any, host: Any, started: Any = None) -> bool:
    if host != socket.gethostname() or not isinstance(pid, int):
        return True  # cannot tell: trust the record
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return started is None or _process_started(pid) in (None, started)


class RunRecord:
    """The manifest of one run; `save()` replaces the file atomically."""

    def __init__(self, workspace: Workspace, data: dict) -> None:
        self.workspace = workspace
        self.data = data

    @property
    def run_id(self) -> str:
        return self.data["run_id"]

    @property
    def path(self) -> Path:
        return run_dir(self.workspace, self.run_id) / MANIFEST

    def save(self) -> None:
        atomic.write_json(self.path, self.data)

    @property
    def status(self) -> str:
        """The recorded status, or Canceled for a run whose process died mid-way."""
        status = self.data.get("status")
        if status in (Status.RUNNING.value, Status.NOT_STARTED.value, Status.QUEUED.value) \
                and not _pid_alive(self.data.get("pid"), self.data.get("host"),
                                   self.data.get("pid_started")):
            return Status.CANCELED.value
        return status

    @property
    def interrupted(self) -> bool:
        return self.status != self.data.get("status")

    def steps(self) -> dict[str, dict]:
        steps = self.data.get("steps", {})
        if self.interrupted:
            return {n: ({**s, "status": Status.CANCELED.value, "error": s.get("error") or
                         {"message": "the runner process stopped before this step ended"}}
                        if not Status(s["status"]).is_terminal else s) for n, s in steps.items()}
        return steps

    @staticmethod
    def load(workspace: Workspace, run_id: str) -> "RunRecord":
        data = atomic.read_json(run_dir(workspace, run_id) / MANIFEST)
        if not isinstance(data, dict):
            raise PipelineError(f"no run {run_id!r} in {workspace.root}; list runs with "
                                f"`pipeline-widget runs`")
        return RunRecord(workspace, data)


def list_runs(workspace: Workspace, pipeline_name: str | None = None) -> list[RunRecord]:
    """Every readable run record, oldest first."""
    records = []
    if workspace.runs_dir.is_dir():
        for d in workspace.runs_dir.iterdir():
            data = atomic.read_json_lenient(d / MANIFEST)  # a damaged one: see `show`
            if isinstance(data, dict) and "run_id" in data:
                if pipeline_name is None or data.get("pipeline_name") == pipeline_name:
                    records.append(RunRecord(workspace, data))
    return sorted(records, key=lambda r: (r.data.get("start_time") or 0, r.run_id))


def new_record(workspace: Workspace, run_id: str, **fields: Any) -> RunRecord:
    data = {"run_id": run_id, "status": Status.NOT_STARTED.value, "pid": os.getpid(),
            "pid_started": _process_started(os.getpid()),
            "host": socket.gethostname(), "start_time": time.time(), "end_time": None, **fields}
    return RunRecord(workspace, data)


class BackgroundSaver:
    """Saves a run record off the run's critical path. Changes that arrive while a save is
    written go out together with the next one, at most every `interval` seconds, so a big
    pipeline's record is not serialised again for every status change of every step.
    `lock` is the one the record's writers hold while they change it."""

    def __init__(self, record: RunRecord, lock: threading.Lock, interval: float = 0.05) -> None:
        self._record, self._lock, self._interval = record, lock, interval
        self._cond = threading.Condition()
        self._dirty = self._closed = False
        self._thread = threading.Thread(target=self._work, name="record-save", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._cond:
            self._dirty = True
            self._cond.notify()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._dirty or self._closed)
                if not self._dirty:
                    return
                self._dirty = False
            try:
                with self._lock:
                    text = atomic.dumps(self._record.data)
                atomic.write_text(self._record.path, text)
            except Exception:  # the final, synchronous save reports a lasting problem
                logging.getLogger(__name__).exception("could not save run record")
            with self._cond:
                self._cond.wait_for(lambda: self._closed, timeout=self._interval)

    def close(self) -> None:
        """Write what is pending, then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()
