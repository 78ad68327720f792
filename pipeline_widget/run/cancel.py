"""Canceling a run: a signal that running steps hook their own stop actions into, and a
request from any process (a step's `run.parent.cancel()`, `PipelineRun.cancel()` on a run
read from its record, `pipeline-widget cancel RUN_ID`): a file in the run's record folder
that a watcher thread of each runner of the run notices, then cancels as Ctrl-C would."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from ..core import atomic
from ..core.workspace import Workspace
from .records import store

WATCH_INTERVAL = 0.2   # seconds between looks at the request file (its thread only)


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks = list(self._callbacks)
        for fn in callbacks:
            try:
                fn()
            except Exception:
                pass

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    @contextmanager
    def on_cancel(self, fn: Callable[[], None]) -> Iterator[None]:
        """Call `fn` if the token is canceled while inside the block (or already was)."""
        with self._lock:
            self._callbacks.append(fn)
            already = self._event.is_set()
        if already:
            fn()
        try:
            yield
        finally:
            with self._lock:
                self._callbacks.remove(fn)


def request(workspace: Workspace, run_id: str) -> bool:
    """Ask the runners of run `run_id`, in whatever process, to cancel it. False when the
    run has already ended (nothing to cancel); PipelineError when there is no such run."""
    record = store.load(workspace, run_id)
    if record.status.is_terminal:
        return False
    path = store.run_dir(workspace, run_id) / store.CANCEL_REQUEST
    atomic.write_text(path, json.dumps({"time": time.time(), "pid": os.getpid(),
                                        "host": socket.gethostname()}) + "\n")
    return True


def requested(workspace: Workspace, run_id: str) -> bool:
    return (store.run_dir(workspace, run_id) / store.CANCEL_REQUEST).exists()


def watch(workspace: Workspace, run_id: str, token: CancelToken,
          runner: threading.Thread) -> threading.Thread:
    """A daemon thread that cancels `token` once a cancel request for the run appears; it
    ends with the run (`runner`) or the token. The steps' own loop never looks."""
    path = store.run_dir(workspace, run_id) / store.CANCEL_REQUEST

    def look() -> None:
        while runner.is_alive() and not token.wait(WATCH_INTERVAL):
            if path.exists():
                token.cancel()
                return

    watcher = threading.Thread(target=look, name=f"cancel-watch-{run_id}", daemon=True)
    watcher.start()
    return watcher
