"""Where run records live and how they are read and written (their shape: model.py).

Layout (the only place it is defined):
    <workspace>/runs/<run id>/run.json                  the manifest
    <workspace>/runs/<run id>/cancel.request            asks the run's runners to cancel it
    <workspace>/runs/<run id>/steps/<step slug>/        executed notebook, logs, context, metrics

Tags are kept in the manifest (the run's and each step run's `tags`). Other processes (a
step, a script with the run id) set them under the manifest's lock; the runner, which
writes the manifest from memory, takes the tags it finds there whenever someone else
wrote the file since it last did, so a tag set during a run is never written over.
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

from ...core import atomic, jsonfiles, locks
from ...core.errors import PipelineError
from ...core.workspace import Workspace
from ..status import Status
from .model import RunRecord, StepError

MANIFEST = "run.json"
CANCEL_REQUEST = "cancel.request"
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


def kernels_dir(workspace: Workspace, run_id: str) -> Path:
    """Where the connection files of a run's kernels live while they run."""
    return run_dir(workspace, run_id) / "kernels"


class Unstarted:
    """The folders a submission may make before its last checks (kernels boot early, and
    their connection files go to the run's folder): `discard` removes the ones it made and
    gives the ones that were there their times back, so a refusal leaves no trace."""

    def __init__(self, workspace: Workspace, run_id: str) -> None:
        self.folders = [kernels_dir(workspace, run_id), run_dir(workspace, run_id),
                        workspace.runs_dir, workspace.root]
        self.times = {f: (st.st_atime_ns, st.st_mtime_ns) for f in self.folders
                      if (st := _stat(f)) is not None}

    def discard(self) -> None:
        for folder in self.folders:
            if folder in self.times:
                try:
                    os.utime(folder, ns=self.times[folder])
                except OSError:
                    pass
                continue
            try:
                folder.rmdir()
            except FileNotFoundError:
                continue
            except OSError:   # not empty: it holds something else
                return


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


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


def load(workspace: Workspace, run_id: str) -> RunRecord:
    """The record of `run_id`, as it stands; a run whose runner died reads as Canceled."""
    path = run_dir(workspace, run_id) / MANIFEST
    record = _read_record(workspace, path)
    if record is None:
        raise PipelineError(f"no run {run_id!r} in {workspace.root}; list runs with "
                            f"`pipeline-widget runs`")
    return _with_liveness(record, path)


def save(workspace: Workspace, record: RunRecord) -> None:
    """Write the record whole, with the tags others set since this process last wrote it."""
    path = run_dir(workspace, record.run_id) / MANIFEST
    with locks.lock(path):
        take_tags(path, record)
        write_manifest(path, record_text(workspace, record))


def record_text(workspace: Workspace, record: RunRecord) -> str:
    return jsonfiles.dumps(record.to_dict(workspace.path))


# manifest path -> (inode, mtime, size) after this process last wrote it
_written: dict[str, tuple[int, int, int] | None] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def write_manifest(path: Path, text: str) -> None:
    """Write a manifest (under its lock) and remember it as this process's last write."""
    atomic.write_text(path, text)
    _written[str(path)] = _signature(path)


def others_wrote(path: Path) -> bool:
    """Whether the manifest was written by someone else since this process last wrote it."""
    found = _signature(path)
    return found is not None and found != _written.get(str(path))


def take_tags(path: Path, record: RunRecord) -> bool:
    """Under the manifest's lock: the tags set in the file by others since this process
    last wrote it, added to `record` (the file's win: after submit every tag is set
    through the file, this process's too). True when any changed the record."""
    if not others_wrote(path):
        return False
    found = jsonfiles.read_json(path)
    if not isinstance(found, dict):
        return False
    changed = _merged_tags(record, found.get("tags"))
    steps = found.get("steps")
    for name, step in (steps if isinstance(steps, dict) else {}).items():
        if name in record.steps and isinstance(step, dict):
            changed = _merged_tags(record.steps[name], step.get("tags")) or changed
    return changed


def _merged_tags(target: Any, found: Any) -> bool:
    if not isinstance(found, dict) or not found:
        return False
    merged = {**target.tags, **{str(k): str(v) for k, v in found.items()}}
    if merged == target.tags:
        return False
    target.tags = merged
    return True


def set_tags(workspace: Workspace, run_id: str, values: dict[str, Any],
             step: str | None = None) -> dict[str, str]:
    """Tags on run `run_id` (or on its step run `step`), written into its record at once,
    from any process; a value None is an empty tag, as v1 has it. Returns all its tags."""
    path = run_dir(workspace, run_id) / MANIFEST
    with locks.lock(path):
        data = jsonfiles.read_json(path)
        if not isinstance(data, dict):
            raise PipelineError(f"no run {run_id!r} in {workspace.root} to tag; list runs with "
                                f"`pipeline-widget runs`")
        target: Any = data
        if step is not None:
            steps = data.get("steps")
            target = steps.get(step) if isinstance(steps, dict) else None
            if not isinstance(target, dict):
                raise PipelineError(f"run {run_id} has no step {step!r} to tag")
        current: dict[str, Any] = target["tags"] if isinstance(target.get("tags"), dict) else {}
        target["tags"] = {**current, **{str(k): "" if v is None else str(v)
                                        for k, v in values.items()}}
        atomic.write_text(path, jsonfiles.dumps(data))
        return dict(target["tags"])


_ALIVE = (Status.RUNNING, Status.NOT_STARTED, Status.QUEUED)
RUNNER_STOPPED = "the runner process stopped before this step ended"


def _with_liveness(record: RunRecord, manifest: Path) -> RunRecord:
    """A run recorded as going on whose runner process is gone was interrupted: it and its
    unfinished steps are Canceled, ended when the record was last written."""
    if record.status not in _ALIVE or _pid_alive(record.pid, record.host, record.pid_started):
        return record
    try:
        last_write: float | None = manifest.stat().st_mtime
    except OSError:
        last_write = record.start_time
    record.status, record.interrupted = Status.CANCELED, True
    record.end_time = record.end_time or last_write
    for step in record.steps.values():
        if not step.status.is_terminal:
            step.status = Status.CANCELED
            step.error = step.error or StepError("RunnerStopped", RUNNER_STOPPED)
            if step.start_time is not None and step.end_time is None:
                step.end_time = max(step.start_time, last_write or step.start_time)
    return record


def list_runs(workspace: Workspace, pipeline_name: str | None = None,
              include_damaged: bool = False) -> list[RunRecord]:
    """Every readable run record, oldest first; with `include_damaged`, a record that cannot
    be read is listed too, by its folder's name, with `damaged` saying why."""
    found = []
    if workspace.runs_dir.is_dir():
        for d in workspace.runs_dir.iterdir():
            path = d / MANIFEST
            try:
                record = _read_record(workspace, path)
            except PipelineError as err:
                if include_damaged and pipeline_name is None and d.is_dir():
                    found.append(RunRecord(d.name, start_time=_mtime(d), damaged=str(err)))
                continue
            if record is not None and pipeline_name in (None, record.pipeline_name):
                found.append(_with_liveness(record, path))
    return sorted(found, key=lambda r: (r.start_time or 0, r.run_id))


def _read_record(workspace: Workspace, path: Path) -> RunRecord | None:
    """The record at `path` (None: no run.json, e.g. a run being set up); PipelineError
    naming the file when it is damaged."""
    data = jsonfiles.read_json(path)
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("run_id") != path.parent.name \
            or not isinstance(data.get("steps", {}), dict):
        raise PipelineError(f"{path} is damaged (not the record of run {path.parent.name}); "
                            f"remove the folder {path.parent} if you do not need that run")
    try:
        return RunRecord.from_dict(data, workspace.path)
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        raise PipelineError(f"{path} is damaged ({err}); remove the folder {path.parent} if "
                            f"you do not need that run") from None


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def new_record(run_id: str, **values: Any) -> RunRecord:
    return RunRecord(run_id=run_id, status=Status.NOT_STARTED, pid=os.getpid(),
                     pid_started=_process_started(os.getpid()), host=socket.gethostname(),
                     start_time=time.time(), **values)


SAVE_EVERY = 0.25   # seconds between writes of what can wait: a step's start, its cells


class BackgroundSaver:
    """Saves a run record off the run's critical path. A change asked to be written `now`
    (a step's end: a runner killed right after must still show it) is written as soon as
    the write under way is done; other changes (a step starting, its cells) go out with the
    next write, at most every `interval` seconds, so a big pipeline's record is not
    serialised again for every change of every step. `lock` is the one the record's writers
    hold while they change it."""

    def __init__(self, workspace: Workspace, record: RunRecord, lock: threading.Lock,
                 interval: float = SAVE_EVERY, save: Any = None) -> None:
        """save: how to write the record, if not as a whole (a joined run merges it)."""
        self._workspace, self._record, self._lock = workspace, record, lock
        self._save = save
        self._interval = interval
        self._cond = threading.Condition()
        self._dirty = self._now = self._closed = False
        self._thread = threading.Thread(target=self._work, name="record-save", daemon=True)
        self._thread.start()

    def request(self, now: bool = False) -> None:
        with self._cond:
            self._dirty = True
            self._now = self._now or now
            self._cond.notify()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._dirty or self._closed)
                if not self._dirty:
                    return
                self._dirty = self._now = False
            try:
                if self._save is not None:
                    with self._lock:
                        self._save(self._record)
                else:
                    self._write()
            except Exception as err:  # the final, synchronous save reports a lasting problem
                logging.getLogger(__name__).debug("could not save run record: %s", err)
            with self._cond:
                self._cond.wait_for(lambda: self._closed or self._now, timeout=self._interval)

    def _write(self) -> None:
        """The record serialised under the record's lock, written under the file's (never
        both at once, so no order of the two locks can deadlock); when another process
        wrote the file meanwhile (a tag), once more with what it wrote."""
        path = run_dir(self._workspace, self._record.run_id) / MANIFEST
        with self._lock:
            text = record_text(self._workspace, self._record)
        with locks.lock(path):
            if not others_wrote(path):
                write_manifest(path, text)
                return
        with self._lock:
            save(self._workspace, self._record)

    def close(self) -> None:
        """Write what is pending, then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()
