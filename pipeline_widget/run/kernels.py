"""A pool of pre-started kernels, so a step's kernel start-up overlaps its upstream's work.

Each kernel serves exactly one step and is shut down after it: pre-starting
saves time without sharing state between steps. A kernel comes with a client
already connected and answered, so a step starts executing code at once.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from queue import Empty

# No history database: parallel kernels would contend for one sqlite file.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
STARTUP_TIMEOUT = 60


class Kernel:
    """A started kernel (`km`) and a ready client (`kc`) that one step uses, then stops."""

    def __init__(self, km, kc) -> None:
        self.km, self.kc = km, kc
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def stop(self) -> None:
        """Kill the kernel and close the client; safe to call twice and from any thread."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:
            pass
        try:
            self.kc.stop_channels()
        except Exception:
            pass
        try:
            self.km.cleanup_resources()
        except Exception:
            pass


def _wait_ready(kc, km, timeout: float) -> None:
    """Wait for the kernel's kernel_info reply and for IOPub to deliver (so no output is
    lost), without jupyter_client's fixed 0.2 s of IOPub silence at the end."""
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            msg = kc.shell_channel.get_msg(timeout=1)
        except Empty:
            msg = None
        if msg is not None and msg["msg_type"] == "kernel_info_reply":
            try:
                kc.iopub_channel.get_msg(timeout=0.5)  # IOPub is subscribed and delivering
                break
            except Empty:
                pass
        if not km.is_alive():
            raise RuntimeError("the kernel died while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel did not answer within {timeout:.0f} s")
    while True:  # drop what the handshake left, without waiting for more
        try:
            kc.iopub_channel.get_msg(timeout=0)
        except Empty:
            break


def start_kernel(kernel_name: str, cwd: str | None = None) -> Kernel:
    """Start a kernel and wait until it answers."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name)
    # Cell output arrives over the kernel's channels; its own stderr is start-up noise.
    km.start_kernel(cwd=cwd or os.getcwd(), extra_arguments=KERNEL_ARGS,
                    env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kernel = Kernel(km, kc)
    try:
        kc.start_channels()
        _wait_ready(kc, km, STARTUP_TIMEOUT)
    except BaseException:
        kernel.stop()
        raise
    return kernel


def stop_kernel(kernel: Kernel) -> None:
    kernel.stop()


def prepare_kernel(kernel: Kernel, cwd: str, env: dict[str, str]) -> None:
    """Give a pre-started kernel the step's working directory and environment, silently."""
    code = ("import os as __os, sys as __sys\n"
            f"__os.chdir({cwd!r})\n"
            f"__os.environ.update({env!r})\n"
            f"__sys.path.insert(0, {cwd!r})\n"
            "del __os, __sys\n")
    reply = kernel.kc.execute_interactive(code, silent=True, store_history=False, timeout=30,
                                          output_hook=lambda msg: None)
    if reply["content"].get("status") != "ok":
        raise RuntimeError(f"could not prepare the kernel: {reply['content'].get('evalue')}")


class Reaper:
    """Stops used kernels in the background, so a step's end is not held up by it;
    `join` waits for all of them (no kernel may outlive the run)."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def stop(self, kernel: Kernel) -> None:
        thread = threading.Thread(target=kernel.stop, name="kernel-stop", daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def join(self) -> None:
        with self._lock:
            threads, self._threads = self._threads, []
        for t in threads:
            t.join()


class KernelPool:
    """Kernels started ahead of need, keyed by kernel name."""

    def __init__(self, size: int, cwd: str | Path | None = None) -> None:
        self.size = max(1, size)
        self.cwd = str(cwd) if cwd else None
        self._idle: dict[str, list[Kernel]] = {}
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
        kernel, error = None, None
        try:
            kernel = start_kernel(kernel_name, self.cwd)
        except BaseException as err:  # reported to the step that asks for this kernel
            error = err
        with self._cond:
            self._starting[kernel_name] -= 1
            if kernel is not None and self._closed:
                kernel.stop()
            elif kernel is not None:
                self._idle.setdefault(kernel_name, []).append(kernel)
            else:
                self._errors[kernel_name] = error  # type: ignore[assignment]
            self._cond.notify_all()

    def acquire(self, kernel_name: str) -> Kernel:
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
            idle = [k for ks in self._idle.values() for k in ks]
            self._idle.clear()
        for kernel in idle:
            kernel.stop()
