"""Running a script step: a Python process in its source directory, output kept in the record."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import records
from .cancel import CancelToken
from .context import CONTEXT_ENV
from .events import Status
from .outcome import StepOutcome, tail
from .plan import StepPlan


def _die_with_parent(parent: int):
    """A pre-exec hook (Linux): the script is killed when the runner dies, even by kill -9,
    so a killed runner leaves no script running on its own. None where unsupported."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the runner died before the hook ran
            os._exit(1)
    return hook


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_script(plan: StepPlan, cancel: CancelToken) -> StepOutcome:
    record = Path(plan.record_dir)
    stdout_path, stderr_path = record / records.STDOUT, record / records.STDERR
    outcome = StepOutcome(Status.RUNNING, start_time=time.time(), stdout=str(stdout_path),
                          stderr=str(stderr_path))
    env = {**os.environ, CONTEXT_ENV: str(record / records.CONTEXT), "PYTHONUNBUFFERED": "1"}
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, plan.source, *plan.arguments], cwd=plan.cwd,
                                env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_die_with_parent(os.getpid()))
        timed_out = False
        with cancel.on_cancel(lambda: _kill_group(proc)):
            try:
                code = proc.wait(timeout=plan.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(proc)
                code = proc.wait()
        _kill_group(proc)  # children the script left behind
    outcome.end_time = time.time()
    if code == 0 and not cancel.is_set():
        outcome.status = Status.FINISHED
        return outcome
    stderr_tail = tail(stderr_path.read_text(encoding="utf-8", errors="replace"))
    if cancel.is_set():
        outcome.status = Status.CANCELED
        outcome.error = {"type": "Canceled", "message": "canceled while running", "cell": None,
                         "traceback": stderr_tail}
    elif timed_out:
        outcome.status = Status.FAILED
        outcome.error = {"type": "TimeoutError", "message": f"the step ran longer than its "
                         f"timeout of {plan.timeout} s and was stopped", "cell": None,
                         "traceback": stderr_tail}
    else:
        last = stderr_tail.splitlines()[-1] if stderr_tail else ""
        etype, _, message = last.partition(": ")
        outcome.status = Status.FAILED
        outcome.error = {"type": etype if message and etype.isidentifier() else "ScriptError",
                         "message": (message if message and etype.isidentifier() else
                                     f"the script exited with code {code}" + (f": {last}" if last else "")),
                         "exit_code": code, "cell": None, "traceback": stderr_tail}
    return outcome
