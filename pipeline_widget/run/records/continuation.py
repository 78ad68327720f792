"""Runs that go on under the same id: `resume` (the runner died; the steps that finished are
kept, the others run again) and `--join` (steps run by separate processes, even on separate
machines sharing the workspace, write one run record).

A kept step is not run and not "reused": it is this run's own step run, with its outputs,
times and record as they were. Records of joined runs are merged on every save, under a
lock: each process writes only the steps it runs, and the run's status follows from all of
them.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ...core import locks
from ...core.errors import PipelineError
from ...core.workspace import Workspace
from ..status import Status
from . import store
from .model import RunRecord, StepRecord

RESUMED_NOTE = "run again: the runner stopped while it ran; resumed"


@dataclass
class Continuation:
    """What a run that goes on keeps of its record."""

    record: RunRecord
    kept: dict[str, StepRecord] = field(default_factory=dict)   # finished: not run again
    joined: bool = False


def _finished(record: RunRecord) -> dict[str, StepRecord]:
    return {n: s for n, s in record.steps.items()
            if s.status == Status.FINISHED and s.step_run_id}


def for_resume(workspace: Workspace, run_id: str) -> Continuation:
    """A run whose runner died, to go on: refused while its runner lives or once it ended."""
    record = store.load(workspace, run_id)
    if record.joined:
        raise PipelineError(f"run {run_id} is a joined run: run its steps again with "
                            f"`pipeline-widget run FILE --only STEP --join {run_id}`")
    if not record.interrupted:
        if not record.status.is_terminal:
            raise PipelineError(f"run {run_id} is still running (process {record.pid} on "
                                f"{record.host}); cancel it first, or wait for it")
        raise PipelineError(f"run {run_id} ended ({record.status.value}); only a run whose "
                            f"runner stopped can be resumed: `pipeline-widget rerun {run_id}` "
                            f"runs it again")
    return Continuation(record, _finished(record))


def for_join(workspace: Workspace, run_id: str, pipeline: dict[str, Any],
             parameters: dict[str, Any]) -> Continuation | None:
    """The run to join (None: it does not exist yet, this process starts it); refused when
    it is of another pipeline or other parameters."""
    try:
        record = store.load(workspace, run_id)
    except PipelineError:
        return None
    if record.pipeline and record.pipeline.get("steps") != pipeline.get("steps"):
        raise PipelineError(f"run {run_id} is of another pipeline (its steps differ); join "
                            f"it with the file it was started from")
    if record.parameters != parameters:
        raise PipelineError(f"run {run_id} has other pipeline parameters "
                            f"({record.parameters}); give the same --param values to every "
                            f"step of a joined run")
    return Continuation(record, _finished(record), joined=True)


def check_joined_upstream(run_id: str, kept: dict[str, StepRecord], selected: set[str] | None,
                          upstream: dict[str, list[str]]) -> None:
    """A joined step's upstream must have finished in this run (not in another one)."""
    for name in sorted(selected or ()):
        for up in upstream.get(name, []):
            if up not in (selected or ()) and up not in kept:
                raise PipelineError(f"step {name!r} reads the outputs of step {up!r}, which has "
                                    f"not finished in run {run_id}; run {up!r} first "
                                    f"(--only {up!r} --join {run_id})")


def final_status(steps: dict[str, StepRecord]) -> Status:
    """A joined run's status from all its steps."""
    statuses = {s.status for s in steps.values()}
    if not all(s.is_terminal for s in statuses) or Status.NOT_STARTED in statuses:
        return Status.RUNNING
    if Status.FAILED in statuses:
        return Status.FAILED
    if Status.CANCELED in statuses:
        return Status.CANCELED
    return Status.FINISHED


def save_joined(workspace: Workspace, record: RunRecord, own: set[str]) -> None:
    """Merge this process's steps into the record on disk, under its lock."""
    path = store.run_dir(workspace, record.run_id) / store.MANIFEST
    with locks.lock(path):
        try:
            current = store.load(workspace, record.run_id)
        except PipelineError:
            current = None
        merged = record
        if current is not None:
            # tags set since, by a step or another process: the file's are the newest
            record.tags = {**record.tags, **current.tags}
            for name in own & current.steps.keys() & record.steps.keys():
                record.steps[name].tags = {**record.steps[name].tags,
                                           **current.steps[name].tags}
            steps = dict(current.steps)
            steps.update({n: s for n, s in record.steps.items() if n in own})
            merged = RunRecord(**{**record.__dict__, "steps": steps})
        merged.status = final_status(merged.steps)
        merged.end_time = time.time() if merged.status.is_terminal else None
        store.write_manifest(path, store.record_text(workspace, merged))


def go_on(record: RunRecord, going_on: Continuation, plan: Any) -> None:
    """The new record of a run that goes on: its start and its kept steps as they were; a
    step run again keeps the interrupted attempt, and the record lists both parts."""
    old = going_on.record
    record.start_time = old.start_time or record.start_time
    record.rerun_of = old.rerun_of
    record.resumed = list(old.resumed)
    again = []
    for name, entry in record.steps.items():
        earlier = old.steps.get(name)
        if name in going_on.kept and earlier is not None:
            record.steps[name] = earlier
            continue
        if earlier is None or going_on.joined:
            continue
        if earlier.start_time is not None:   # it had started: that attempt is kept
            entry.attempts = [*earlier.attempts, {
                "attempt": len(earlier.attempts) + 1, "start_time": earlier.start_time,
                "end_time": earlier.end_time, "metrics": [],
                "error": earlier.error.to_dict() if earlier.error else None}]
            entry.notes.append(RESUMED_NOTE)
            plan.steps[name].notes.append(RESUMED_NOTE)   # the step's final record keeps it
        again.append(name)
    if not going_on.joined:
        record.resumed.append({"time": time.time(), "kept": sorted(going_on.kept),
                               "again": sorted(again)})
