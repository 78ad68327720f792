"""A pool of pre-started kernels, so a step's kernel start-up overlaps its upstream's work.

Each kernel serves exactly one step and is shut down after it: pre-starting
saves time without sharing state between steps. A kernel is handed out once it
has answered, so a step starts executing code at once.
"""
from __future__ import annotations

import functools
import logging
import os
import queue
import subprocess
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from ...core import plugins
from ..reuse.reads import TraceSpec
from .forking.client import forkable
from .forking.setting import enabled as forking_enabled
from .jupyter_imports import import_module
from .kernelspecs import (
    fork_server_start,
    kernel_argv,
    kernel_dirs,
    start_environment,
)
from .launch_environment import environment_changes, startup_values
from .supervisor import stop as stop_process
from .supervisor import wrap

# No history database: parallel kernels would contend for one sqlite file.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
STARTUP_TIMEOUT = 60
FORK = "pipeline-widget-fork"   # the kernel provisioner of forking/provisioner.py
SHUTDOWN_WAIT = 5      # seconds a closing pool waits for kernels still starting; the rest
                       # are stopped by their starting threads when they are up
SLOW_START = 10        # seconds after which a kernel start is logged, with where it waited
log = logging.getLogger(__name__)
WELCOME_WAIT = 0.1  # seconds to wait for an IOPub welcome before asking for kernel_info


def _prepare_code(cwd: str, env: dict[str, str], trace: TraceSpec | None,
                  exit_on_error: bool, unset: list[str] | None = None) -> str:
    """Python that moves a kernel to a step's folder, environment and sys.path as a kernel
    started cold for it would have them (the tracer's prepare_kernel, loaded at the
    kernel's start), and starts recording what the step reads."""
    args = (f"{cwd!r}, {env!r}, {trace.out if trace else ''!r}, "
            f"{trace.roots if trace else ''!r}, {trace.skip if trace else ''!r}, "
            f"{list(unset or [])!r}")
    body = ["__t = __sys.modules.get('_pipeline_widget_trace')",
            "if __t is not None:", f"    __t.prepare_kernel({args})", "else:",
            f"    __os.chdir({cwd!r})", f"    __os.environ.update({env!r})",
            f"    [__os.environ.pop(__k, None) for __k in {list(unset or [])!r}]",
            f"    __sys.path.insert(0, {cwd!r})"]
    if not exit_on_error:
        return "\n".join(["import os as __os, sys as __sys", *body,
                          "del __os, __sys, __t", ""])
    return "\n".join(["import os as __os, sys as __sys", "try:", *("    " + b for b in body),
                      "except BaseException as __err:",
                      "    __sys.__stderr__.write(f'cannot prepare the kernel: {__err}\\n')",
                      "    __os._exit(70)", "del __os, __sys, __t", ""])


# What a step's client answers, without asking the kernel again, when asked for the kernel's
# info (papermill asks after the last cell): the kernel gave it as it started (`info`).
KNOWN_INFO = "kernel-info-given-at-start"

FINISH_TRACE = ("__import__('sys').modules.get('_pipeline_widget_trace') and "
                "__import__('sys').modules['_pipeline_widget_trace'].finish()")


@functools.lru_cache(maxsize=1)
def _lighter_jupyter_client() -> None:
    """Two things jupyter_client does on the path of a run's first kernel, done cheaper with
    the same answers:

    - its registry of kernel provisioners reads every installed distribution's entry points
      when it is first made (about 25 ms); it takes them from the process's one reading
      instead (core/plugins.py), which loads them as importlib.metadata's would;
    - before it starts a kernel it checks that the kernel's address is local by listing the
      machine's network interfaces with psutil (about 10 ms, psutil's import included); the
      kernels here listen on the loopback address (127.0.0.0/8), local by definition, so
      only other addresses are checked that way."""
    local_provisioner = import_module("jupyter_client.provisioning.local_provisioner")
    KernelProvisionerFactory = import_module(
        "jupyter_client.provisioning.factory").KernelProvisionerFactory

    group = KernelProvisionerFactory.GROUP_NAME
    KernelProvisionerFactory._get_all_provisioners = staticmethod(  # type: ignore[assignment]
        lambda: list(plugins.entry_points_of(group)))
    listed = local_provisioner.is_local_ip
    local_provisioner.is_local_ip = lambda ip, *args, **kwargs: (   # type: ignore[attr-defined]
        str(ip).startswith("127.") or listed(ip, *args, **kwargs))


def spec_manager() -> Any:
    """jupyter_client's kernelspec lookup, in `kernel_dirs`."""
    KernelSpecManager = import_module("jupyter_client.kernelspec").KernelSpecManager
    _lighter_jupyter_client()
    return KernelSpecManager(kernel_dirs=kernel_dirs())


def _kernel_manager(kernel_name: str) -> Any:
    """jupyter_client's manager of a kernel of this name, on the loopback address (its
    default, found without probing the network interfaces)."""
    KernelManager = import_module("jupyter_client.manager").KernelManager
    return KernelManager(kernel_name=kernel_name, ip="127.0.0.1", context=_context(),
                         kernel_spec_manager=spec_manager())


class Kernel:
    """A started kernel that serves one step: `connect` gives the step its client (`kc`),
    `stop` ends the kernel afterwards."""

    def __init__(self, km, environment: dict[str, str] | None = None,
                 info: dict[str, Any] | None = None) -> None:
        self.km = km
        self.environment = dict(environment or {})   # the runner's, when it was started
        self.info = info                 # its kernel_info reply's content, once it answered
        self.traced = False              # a Python kernel: it records what its step reads
        self.kc: Any = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def connect(self, cwd: str, env: dict[str, str], trace: TraceSpec | None = None) -> None:
        """In the thread that runs the step: connect an asynchronous client (so nbclient
        notices a kernel that dies while it waits for output), move the kernel to the
        step's folder and environment, and make sure IOPub delivers before any cell runs."""
        from jupyter_core.utils import run_sync

        changed, unset = environment_changes(self.environment)
        run_sync(self._connect)(cwd, {**changed, **env}, trace, unset)

    def finish_trace(self) -> None:
        """After the step's last cell: the kernel writes what the step read. Its reply
        says it is written; what the request publishes (busy, idle) is left unread."""
        from jupyter_core.utils import run_sync

        if self.kc is not None and self.traced:
            run_sync(self._finish_trace)()

    async def _finish_trace(self) -> None:
        msg_id = self.kc.execute(FINISH_TRACE, silent=True, store_history=False,
                                 allow_stdin=False)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the kernel did not write what the step read within "
                                   f"{STARTUP_TIMEOUT} s")
            try:
                reply = await self.kc.get_shell_msg(timeout=left)
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return

    async def _connect(self, cwd: str, env: dict[str, str], trace: TraceSpec | None,
                       unset: list[str]) -> None:
        import zmq.asyncio

        AsyncKernelClient = import_module("jupyter_client.asynchronous").AsyncKernelClient

        # the manager's session, not a clone of it (cloning costs a few ms a step): the
        # manager sends nothing while the step runs
        kc = AsyncKernelClient(parent=self.km, context=zmq.asyncio.Context.instance(),
                               connection_file=self.km.connection_file,
                               **_connection_info(self.km))
        self.kc = kc
        kc.start_channels(stdin=False, hb=False)
        python = (getattr(self.km.kernel_spec, "language", "") or "").lower() == "python"
        self.traced = python and trace is not None
        if python:
            # Sent without waiting: the kernel runs requests in order, so this precedes the
            # first cell; should it fail, the kernel exits and the step fails as it should.
            kc.execute(_prepare_code(cwd, env, trace, exit_on_error=True, unset=unset),
                       silent=True,
                       store_history=False, allow_stdin=False, stop_on_error=False)
        try:  # ipykernel greets each new IOPub subscriber: then no output can be lost
            heard = await kc.iopub_channel.get_msg(timeout=WELCOME_WAIT)
        except Empty:
            heard = None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while heard is None:  # other kernels: a kernel_info round trip seen on IOPub
            kc.kernel_info()
            try:
                reply = await kc.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    heard = await kc.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
            if heard is None and not self.km.is_alive():
                raise RuntimeError("the kernel died before the step started")
            if heard is None and time.monotonic() > deadline:
                raise RuntimeError(f"the kernel did not answer within {STARTUP_TIMEOUT} s")
        if not python:
            reply = await kc.execute_interactive(
                _prepare_code(cwd, env, None, exit_on_error=False), silent=True,
                store_history=False,
                timeout=30, allow_stdin=False, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"could not prepare the kernel: "
                                   f"{reply['content'].get('evalue')}")
        if self.info is not None:   # from here on, a round trip less: the answer is known
            kc.kernel_info = lambda: KNOWN_INFO   # type: ignore[method-assign]

    def disconnect(self) -> None:
        """Close the step's client, from the thread that used it (zmq sockets are not
        shared between threads)."""
        kc, self.kc = self.kc, None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:
                pass

    def kill(self) -> None:
        """Kill the kernel process at once (cancel, timeout); safe from any thread, as it
        leaves the client alone."""
        with self._lock:
            self._kill_now()

    def stop(self) -> None:
        """Kill the kernel and release its files, once the step is done; safe to call twice."""
        self.disconnect()
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            self._kill_now()
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)  # finds it dead: only the bookkeeping is left
        except Exception:
            pass
        try:
            self.km.cleanup_resources()
        except Exception:
            pass

    def _kill_now(self) -> None:
        """End the kernel and every process under it at once (its supervisor does), and
        reap it; jupyter_client would ask first, then poll for the exit every 0.1 s."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            stop_process(process)


RECONNECT_MS = 5   # how soon a client tries again to reach a kernel not yet listening


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    """The zmq context of this process's kernel managers and of the sockets that wait for
    new kernels (jupyter_client would make one, with its own I/O thread, per kernel). A
    kernel is asked before it listens, and zmq tries again only after its reconnect
    interval: 100 ms by default, longer than a forked kernel takes to start listening."""
    import zmq

    context = zmq.Context()
    context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return context


def _connection_info(km) -> dict[str, Any]:
    """What a client of the kernel needs, with the manager's session (its key) itself."""
    info = km.get_connection_info()
    info.pop("key", None)
    info.pop("signature_scheme", None)
    return {**info, "session": km.session}


def _wait_ready(km, timeout: float) -> dict[str, Any]:
    """Wait for the kernel's kernel_info reply and return its content, on a bare shell
    socket signed by the manager's session (a full client costs more than the kernel's answer), without
    jupyter_client's fixed 0.2 s of IOPub silence at the end (the step's own client checks
    IOPub when it connects)."""
    deadline = time.monotonic() + timeout
    shell = km.connect_shell()
    try:
        while True:
            km.session.send(shell, "kernel_info_request")
            if shell.poll(1000):
                _, reply = km.session.recv(shell)
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    return reply["content"]
            if not km.is_alive():
                raise RuntimeError("the kernel died while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the kernel did not answer within {timeout:.0f} s")
    finally:
        shell.close(linger=0)


@functools.lru_cache(maxsize=1)
def _fork_provisioner_installed() -> bool:
    provisioners = plugins.entry_points_of("jupyter_client.kernel_provisioners")
    return any(point.name == FORK for point in provisioners)


def fork_kernels() -> bool:
    """Whether kernels that can be forked are (forking/client.py: the setting), and
    jupyter_client can find the provisioner that does it."""
    if not forking_enabled():
        return False
    if not _fork_provisioner_installed():
        log.warning("kernels are started as programs: the package's entry point %s is not "
                    "installed (reinstall the package)", FORK)
        return False
    return True


def _forked_argv(km) -> list[str] | None:
    """The kernel's command line if its kernels are forked, else None."""
    if km.kernel_spec is None:
        return None
    argv = kernel_argv(km.kernel_spec.argv)
    return argv if fork_kernels() and forkable(argv) else None


def prepare_forked(kernel_name: str, connection_dir: str | Path, wait: bool = True) -> bool:
    """If kernels of this name are forked: start their fork server now (a kernel then
    starts in a fraction of a cold start, so none need be kept idle) and say so; False
    for kernels started as programs (and an unknown name). Read from the kernelspec
    without jupyter_client, so the server boots while jupyter_client loads. wait: until
    the server is ready (else it boots while the caller goes on)."""
    from .forking.client import server_for

    found = fork_server_start(kernel_name) if fork_kernels() else None
    if found is None:
        return False
    server_for(*found, str(connection_dir), wait=wait)
    return True


def start_kernel(kernel_name: str, cwd: str | None = None,
                 connection_dir: str | None = None,
                 imported: threading.Event | None = None) -> Kernel:
    """Start a kernel under a supervisor (so its whole process tree ends with the runner)
    and wait until it answers; its connection file goes to `connection_dir` (the run's
    folder) when given, instead of the system's temporary folder. `imported` is set once
    the start has imported what it needs, before it waits for the kernel's process."""
    km = _kernel_manager(kernel_name)
    if imported is not None:
        imported.set()
    if km.kernel_spec is not None:
        forked = _forked_argv(km)
        if forked is not None:   # forked by a server, under a supervisor
            km.kernel_spec.argv = forked
            km.kernel_spec.metadata = {**(km.kernel_spec.metadata or {}),
                                       "kernel_provisioner": {"provisioner_name": FORK}}
        else:
            km.kernel_spec.argv = wrap(kernel_argv(km.kernel_spec.argv))
    if connection_dir:
        os.makedirs(connection_dir, exist_ok=True)
        km.connection_file = os.path.join(connection_dir,
                                          f"kernel-{os.getpid()}-{uuid.uuid4().hex}.json")
    environment = dict(os.environ)
    # Cell output arrives over the kernel's channels; its own stderr is start-up noise.
    km.start_kernel(cwd=cwd or os.getcwd(), extra_arguments=KERNEL_ARGS,
                    env=start_environment(),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kernel = Kernel(km, environment)
    started = time.monotonic()
    try:
        kernel.info = _wait_ready(km, STARTUP_TIMEOUT)
    except BaseException:
        kernel.stop()
        raise
    finally:
        took = time.monotonic() - started
        if took > SLOW_START:
            log.warning("kernel %s (pid %s) took %.1f s to answer its first request",
                        kernel_name, kernel.pid, took)
    return kernel


def sweep_connection_files(folder: str | Path | None) -> list[str]:
    """Remove the connection files in `folder` whose owner process is gone (killed before
    it could stop its kernels, whose supervisors ended them): nothing outlives its owner."""
    removed: list[str] = []
    if not folder or not os.path.isdir(folder):
        return removed
    for entry in os.scandir(folder):
        parts = entry.name.split("-")
        if len(parts) != 3 or parts[0] != "kernel" or not parts[1].isdigit():
            continue
        try:
            os.kill(int(parts[1]), 0)
            continue   # its owner lives
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        try:
            os.remove(entry.path)
            removed.append(entry.path)
        except OSError:
            pass
    return removed


class Reaper:
    """Stops used kernels in the background, on one thread, so a step's end is not held
    up by it; `join` waits until all are stopped (no kernel may outlive the run) and
    ends the thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Kernel | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def stop(self, kernel: Kernel) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="kernel-stop",
                                                daemon=True)
                self._thread.start()
            self._queue.put(kernel)

    def _work(self) -> None:
        while (kernel := self._queue.get()) is not None:
            try:
                kernel.stop()
            except Exception:  # never stop stopping the others
                pass

    def join(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()


class KernelPool:
    """Kernels started ahead of need, keyed by kernel name."""

    def __init__(self, size: int, cwd: str | Path | None = None,
                 connection_dir: str | Path | None = None) -> None:
        self.size = max(1, size)
        self.cwd = str(cwd) if cwd else None
        self.connection_dir = str(connection_dir) if connection_dir else None
        sweep_connection_files(self.connection_dir)
        self._idle: dict[str, list[Kernel]] = {}
        self._starting: dict[str, int] = {}
        self._errors: dict[str, BaseException] = {}
        self._served: set[str] = set()   # kernel names whose fork server was asked for
        self._last_ready = float("-inf")
        # set when the first kernel start has imported what it needs: what else a run imports
        # at its start waits for it, so the kernel's process is not kept waiting for those
        # imports, and they run while it starts (notebook.preload)
        self.imported = threading.Event()
        self._cond = threading.Condition()
        self._closed = False

    def want(self, kernel_name: str, count: int) -> None:
        """Make sure up to `count` kernels of this name are ready or starting."""
        with self._cond:
            if self._closed:
                return
            have = len(self._idle.get(kernel_name, [])) + self._starting.get(kernel_name, 0)
            if kernel_name not in self._served and self.connection_dir:
                self._served.add(kernel_name)   # its fork server boots beside the first start
                threading.Thread(target=self._prepare_forked, args=(kernel_name,),
                                 daemon=True, name=f"fork-server-{kernel_name}").start()
            for _ in range(max(0, min(count, self.size) - have)):
                self._starting[kernel_name] = self._starting.get(kernel_name, 0) + 1
                threading.Thread(target=self._start, args=(kernel_name,), daemon=True,
                                 name=f"kernel-start-{kernel_name}").start()

    def _prepare_forked(self, kernel_name: str) -> None:
        try:
            prepare_forked(kernel_name, str(self.connection_dir))
        except Exception:   # the kernel's own start reports what is wrong
            pass

    def _start(self, kernel_name: str) -> None:
        kernel, error = None, None
        try:
            kernel = start_kernel(kernel_name, self.cwd, self.connection_dir,
                                  imported=self.imported)
        except BaseException as err:  # reported to the step that asks for this kernel
            error = err
        self.imported.set()   # also when it failed first
        with self._cond:
            self._starting[kernel_name] -= 1
            if kernel is not None and self._closed:
                kernel.stop()
            elif kernel is not None:
                self._idle.setdefault(kernel_name, []).append(kernel)
                self._last_ready = time.monotonic()
            else:
                self._errors[kernel_name] = error  # type: ignore[assignment]
            self._cond.notify_all()

    def acquire(self, kernel_name: str) -> Kernel:
        """A ready kernel, waiting for one being started (up to SLOW_START: a start that
        hangs must not hold the step), or starting one now. A kernel started under an
        environment other than today's is stopped, not handed out."""
        deadline = time.monotonic() + SLOW_START
        now = startup_values(dict(os.environ))
        with self._cond:
            while True:
                while self._idle.get(kernel_name):
                    kernel = self._idle[kernel_name].pop(0)
                    if startup_values(kernel.environment) == now:
                        return kernel
                    threading.Thread(target=kernel.stop, daemon=True,
                                     name="kernel-stop-stale").start()
                if kernel_name in self._errors:
                    raise self._errors.pop(kernel_name)
                left = deadline - time.monotonic()
                if not self._starting.get(kernel_name) or left <= 0:
                    break
                self._cond.wait(timeout=left)
        return start_kernel(kernel_name, self.cwd, self.connection_dir)

    def starting(self) -> bool:
        """Whether kernels are being started now."""
        with self._cond:
            return any(self._starting.values())

    def ready_for(self) -> float:
        """Seconds since a kernel last got ready (infinite if none has)."""
        with self._cond:
            return time.monotonic() - self._last_ready

    def idle(self, kernel_name: str) -> list[Kernel]:
        """The kernels of this name ready now."""
        with self._cond:
            return list(self._idle.get(kernel_name, []))

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.wait_for(lambda: not any(self._starting.values()), timeout=SHUTDOWN_WAIT)
            idle = [k for ks in self._idle.values() for k in ks]
            self._idle.clear()
        for kernel in idle:
            kernel.stop()
