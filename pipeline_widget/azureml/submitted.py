"""Runs submitted by v1 code in this process, so that none is lost when the code ends.

Most v1 notebooks and scripts submit and never wait (they end with
`RunDetails(run).show()`); the runs live in threads of this process. `pipeline-widget
azureml` waits for them here before it exits, and its exit code reports a failure.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

_runs: list[Any] = []
_lock = threading.Lock()
FAILED = "Failed"


_at_exit = False


def track(run: Any) -> Any:
    """Remember a submitted run (a v1 PipelineRun facade) of this process. The first time,
    the process is set to wait for its runs when it ends (plain `python script.py` too)."""
    global _at_exit
    with _lock:
        _runs.append(run)
        if not _at_exit:
            _at_exit = True
            _wait_at_exit()
    return run


def _wait_at_exit() -> None:
    """Wait for the runs before Python's shutdown stops thread pools: a hook of threading's
    shutdown registered after concurrent.futures' own runs before it (they run last first);
    without that hook, an atexit one (pools may then refuse new work)."""
    import atexit

    hook = getattr(threading, "_register_atexit", None)
    try:
        if hook is not None:
            hook(finish)
            return
    except RuntimeError:   # already shutting down
        return
    atexit.register(finish)


def tracked() -> list[Any]:
    with _lock:
        return list(_runs)


def finish(out: TextIO | None = None) -> int:
    """Wait for every run submitted in this process (and not waited for here yet); the
    number that failed. One line per run that did not finish."""
    out = out or sys.stderr
    live = [r for r in tracked() if r.local.is_live]
    if live:
        print(f"waiting for {len(live)} submitted run(s) to end: "
              f"{', '.join(r.id for r in live)}", file=out, flush=True)
    failed = 0
    for run in tracked():
        status = run.local.wait_for_completion(show_output=False)
        with _lock:   # told once: a later finish (the exit hook) does not repeat it
            _runs.remove(run)
        if status != "Finished":
            failed += status == FAILED
            why = run.failure_summary() if status == FAILED else ""
            print(f"run {run.id}: {status}{': ' + why if why else ''}", file=out, flush=True)
    return failed


def cancel_all() -> None:
    """Cancel every run of this process still going (an interrupted command), and forget
    them: nothing is waited for at exit."""
    for run in tracked():
        run.local.cancel()
    for run in tracked():
        run.local.wait_for_completion(show_output=False, timeout_seconds=30)
    clear()


def clear() -> None:
    with _lock:
        _runs.clear()

