"""Running a step as a process (a script, a command line): in its folder, under a
supervisor, with its environment, its output kept in the record and only the tail of its
error output read back (a step may write gigabytes of it)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ..cancel import CancelToken
from ..context import CONTEXT_ENV
from ..plan.model import StepPlan
from ..records import store as records
from ..records.logs import tail_of_file
from ..reuse.reads import TraceSpec
from ..status import Status
from .azureml_imports import step_environment
from .outcome import StepError, StepOutcome, timeout_message
from .supervisor import stop, wrap


def process_environment(plan: StepPlan) -> dict[str, str]:
    """The runner's environment, the step's own variables, its context and its tracing."""
    record = Path(plan.record_dir)
    trace = TraceSpec.of(plan)
    return step_environment({**os.environ, **plan.environment,
                             CONTEXT_ENV: str(record / records.CONTEXT),
                             "PYTHONUNBUFFERED": "1", **(trace.environment() if trace else {})})


def run_process(plan: StepPlan, argv: list[str], cancel: CancelToken) -> StepOutcome:
    """Run `argv` for the step; never raises for the step's own failures."""
    record = Path(plan.record_dir)
    stdout_path, stderr_path = record / records.STDOUT, record / records.STDERR
    outcome = StepOutcome(Status.RUNNING, start_time=time.time(), stdout=str(stdout_path),
                          stderr=str(stderr_path))
    env = process_environment(plan)
    program = argv[0] if argv else ""
    found = (os.path.join(plan.cwd, program) if os.sep in program
             else shutil.which(program, path=env.get("PATH")))
    if not found or not os.access(found, os.X_OK):
        outcome.status, outcome.end_time = Status.FAILED, time.time()
        outcome.error = StepError("CommandNotFound", f"cannot run {program!r}: no such program "
                                  f"on PATH (or not executable); install it, or give its path")
        return outcome
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        try:
            proc = subprocess.Popen(wrap(argv), cwd=plan.cwd, env=env,
                                    stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        except OSError as error:
            outcome.status, outcome.end_time = Status.FAILED, time.time()
            outcome.error = StepError("CommandNotFound" if isinstance(error, FileNotFoundError)
                                      else type(error).__name__,
                                      f"cannot start {argv[0]!r}: {error.strerror or error}")
            return outcome
        timed_out = False
        with cancel.on_cancel(lambda: stop(proc)):
            try:
                code = proc.wait(timeout=plan.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                stop(proc)
                code = proc.wait()
        stop(proc)  # children the step left behind: its supervisor has ended them
    outcome.end_time = time.time()
    if code == 0 and not cancel.is_set():
        outcome.status = Status.FINISHED
        return outcome
    stderr_tail = tail_of_file(stderr_path)
    if cancel.is_set():
        outcome.status = Status.CANCELED
        outcome.error = StepError("Canceled", "canceled while running", traceback=stderr_tail)
    elif timed_out:
        outcome.status = Status.FAILED
        outcome.error = StepError("TimeoutError", timeout_message(plan.timeout),
                                  traceback=stderr_tail)
    else:
        last = stderr_tail.splitlines()[-1] if stderr_tail else ""
        etype, _, message = last.partition(": ")
        outcome.status = Status.FAILED
        named = bool(message) and etype.isidentifier()
        outcome.error = StepError(
            etype if named else "ScriptError",
            message if named else f"the {'script' if plan.kind == 'python_script' else 'command'} "
                                  f"exited with code {code}" + (f": {last}" if last else ""),
            traceback=stderr_tail, exit_code=code)
    return outcome
