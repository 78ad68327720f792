"""A pool of pre-started kernels, so a step's kernel start-up overlaps its upstream's work.

Each kernel serves exactly one step and is shut down after it: pre-starting
saves time without sharing state between steps.
"""
from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

# No history database: parallel kernels would contend for one sqlite file.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
STARTUP_TIMEOUT = 60


def start_kernel(kernel_name: str, cwd: str | None = None):
    """Start a kernel and wait until it answers; returns its KernelManager."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name)
    # Cell output arrives over the kernel's channels; its own stderr is start-up noise.
    km.start_kernel(cwd=cwd or os.getcwd(), extra_arguments=KERNEL_ARGS,
                    env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        finally:
            kc.stop_channels()
    except BaseException:
        stop_kernel(km)
        raise
    return km


def stop_kernel(km) -> None:
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:
        pass
    try:
        km.cleanup_resources()
    except Exception:
        pass


def prepare_kernel(km, cwd: str, env: dict[str, str]) -> None:
    """Give a pre-started kernel the step's working directory and environment, silently."""
    code = ("import os as __os, sys as __sys\n"
            f"__os.chdir({cwd!r})\n"
            f"__os.environ.update({env!r})\n"
            f"__sys.path.insert(0, {cwd!r})\n"
            "del __os, __sys\n")
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=30,
                                       output_hook=lambda msg: None)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not prepare the kernel: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


class KernelPool:
    """Kernels started ahead of need, keyed by kernel name."""

    def __init__(self, size: int, cwd: str | Path | None = None) -> None:
        self.size = max(1, size)
        self.cwd = str(cwd) if cwd else None
        self._idle: dict[str, list] = {}
        self._starting: dict[str, int] = {}
        self._errors: dict[str, BaseException] = {}
        self._cond = threading.Condition()
        self._closed = False

    def want(self, kernel_name: str, count: int) -> None:
        """Make sure up to `count` kernels of this name are ready or starting."""
        with self._cond:
            if self._closed:
                return
            have = len(self._idle.get(kernel_name, [])) + self._starting.get(kernel_name, 0)
            for _ in range(max(0, min(count, self.size) - have)):
                self._starting[kernel_name] = self._starting.get(kernel_name, 0) + 1
                threading.Thread(target=self._start, args=(kernel_name,), daemon=True,
                                 name=f"kernel-start-{kernel_name}").start()

    def _start(self, kernel_name: str) -> None:
        km, error = None, None
        try:
            km = start_kernel(kernel_name, self.cwd)
        except BaseException as err:  # reported to the step that asks for this kernel
            error = err
        with self._cond:
            self._starting[kernel_name] -= 1
            if km is not None and self._closed:
                stop_kernel(km)
            elif km is not None:
                self._idle.setdefault(kernel_name, []).append(km)
            else:
                self._errors[kernel_name] = error  # type: ignore[assignment]
            self._cond.notify_all()

    def acquire(self, kernel_name: str):
        """A ready kernel, waiting for one being started, or starting one now."""
        with self._cond:
            while True:
                if self._idle.get(kernel_name):
                    return self._idle[kernel_name].pop(0)
                if kernel_name in self._errors:
                    raise self._errors.pop(kernel_name)
                if not self._starting.get(kernel_name):
                    break
                self._cond.wait()
        return start_kernel(kernel_name, self.cwd)

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.wait_for(lambda: not any(self._starting.values()), timeout=STARTUP_TIMEOUT)
            idle = [km for kms in self._idle.values() for km in kms]
            self._idle.clear()
        for km in idle:
            stop_kernel(km)
