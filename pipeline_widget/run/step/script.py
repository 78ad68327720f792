"""Running a script step: a Python process in its source directory, output kept in the record."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ..cancel import CancelToken
from ..context import CONTEXT_ENV
from ..plan.model import StepPlan
from ..records import store as records
from ..reuse.reads import TraceSpec
from ..status import Status
from .azureml_imports import step_environment
from .outcome import StepError, StepOutcome, tail, timeout_message
from .supervisor import stop, wrap


def _command(plan: StepPlan) -> list[str]:
    return wrap([sys.executable, plan.source, *plan.arguments])


def run_script(plan: StepPlan, cancel: CancelToken) -> StepOutcome:
    record = Path(plan.record_dir)
    stdout_path, stderr_path = record / records.STDOUT, record / records.STDERR
    outcome = StepOutcome(Status.RUNNING, start_time=time.time(), stdout=str(stdout_path),
                          stderr=str(stderr_path))
    trace = TraceSpec.of(plan)
    env = step_environment({**os.environ, CONTEXT_ENV: str(record / records.CONTEXT),
                            "PYTHONUNBUFFERED": "1", **(trace.environment() if trace else {})})
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen(_command(plan), cwd=plan.cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        timed_out = False
        with cancel.on_cancel(lambda: stop(proc)):
            try:
                code = proc.wait(timeout=plan.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                stop(proc)
                code = proc.wait()
        stop(proc)  # children the script left behind: its supervisor has ended them
    outcome.end_time = time.time()
    if code == 0 and not cancel.is_set():
        outcome.status = Status.FINISHED
        return outcome
    stderr_tail = tail(stderr_path.read_text(encoding="utf-8", errors="replace"))
    if cancel.is_set():
        outcome.status = Status.CANCELED
        outcome.error = StepError("Canceled", "canceled while running", traceback=stderr_tail)
    elif timed_out:
        outcome.status = Status.FAILED
        outcome.error = StepError("TimeoutError", timeout_message(plan.timeout), traceback=stderr_tail)
    else:
        last = stderr_tail.splitlines()[-1] if stderr_tail else ""
        etype, _, message = last.partition(": ")
        outcome.status = Status.FAILED
        named = bool(message) and etype.isidentifier()
        outcome.error = StepError(
            etype if named else "ScriptError",
            message if named else f"the script exited with code {code}" + (f": {last}" if last else ""),
            traceback=stderr_tail, exit_code=code)
    return outcome
