"""Kernels kept warm between runs (the designer's): a run started while they are ready waits
for no kernel start. Each kernel still serves one step and is stopped after it; the pool
starts a fresh one in its place. Idle for `idle_timeout` seconds, the pool stops its
kernels (the next run warms it again); `shutdown` stops them at once. Kernels run under
supervisors, so they also end with the process that holds the pool.

Where kernels are forked (step/forking), a pool made with `idle_kernels=False` keeps none
idle between runs: it keeps their fork server running, which starts one in a fraction of
a cold start. A run still gets its kernels started ahead of its steps."""
from __future__ import annotations

import atexit
import threading
from pathlib import Path

from .step.kernels import Kernel, KernelPool, prepare_forked, start_kernel
from .step.kernelspecs import DEFAULT_KERNEL_NAME


class WarmKernels:
    """size: ready kernels kept per kernel name; idle_timeout: seconds without a run after
    which they are stopped; connection_dir: where their connection files live (default: the
    `kernels` folder of the current project's workspace, never the system's temporary
    folder; files a killed owner left there are removed by the next pool); idle_kernels:
    False keeps no kernel idle between runs where kernels of the name are forked, only
    their fork server (other kernels are kept idle all the same)."""

    def __init__(self, size: int = 2, idle_timeout: float = 600.0,
                 connection_dir: str | Path | None = None, idle_kernels: bool = True) -> None:
        self.size = max(1, int(size))
        self.idle_timeout = idle_timeout
        self.idle_kernels = idle_kernels
        if connection_dir is None:
            from ..core.workspace import Workspace

            connection_dir = Workspace().kernels_dir
        self.connection_dir = connection_dir
        self._closed = False   # shutdown() is final: nothing warms it again
        self._pool: KernelPool | None = None
        self._names: set[str] = set()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        atexit.register(self.shutdown)

    def _current(self) -> KernelPool | None:
        with self._lock:
            if self._closed:
                return None
            if self._pool is None:
                self._pool = KernelPool(self.size, connection_dir=self.connection_dir)
            self._touch()
            return self._pool

    def _touch(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle_timeout, self._idle)
        self._timer.daemon = True
        self._timer.start()

    def _idle(self) -> None:
        with self._lock:
            if self._pool is not None and (self._pool.starting() or
                                           self._pool.ready_for() < self.idle_timeout):
                self._touch()   # idle counts from when its kernels are ready, not asked for
                return
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()

    # -- what a run's executor uses (the KernelPool interface) --------------------------
    def want(self, kernel_name: str = DEFAULT_KERNEL_NAME, count: int | None = None) -> None:
        """Keep `size` kernels of this name ready; a run asks for `count`, the number of its
        steps still waiting (no more start while it runs: they would slow its steps)."""
        pool = self._current()
        if pool is None:
            return
        self._names.add(kernel_name)
        if count is None and not self.idle_kernels:   # in the background, as kernels start
            threading.Thread(target=self._warm_forked, args=(pool, kernel_name),
                             name="warm-fork-server", daemon=True).start()
            return
        pool.want(kernel_name, self.size if count is None else count)

    def _warm_forked(self, pool: KernelPool, kernel_name: str) -> None:
        """Its fork server started, or idle kernels where kernels of the name are not
        forked (or the server failed to start: a kernel's own start then says why)."""
        try:
            forked = prepare_forked(kernel_name, self.connection_dir)
        except Exception:
            forked = False
        if not forked:
            pool.want(kernel_name, self.size)

    def acquire(self, kernel_name: str) -> Kernel:
        pool = self._current()
        if pool is None:   # shut down during a run: its steps start their own kernels
            return start_kernel(kernel_name, connection_dir=str(self.connection_dir))
        return pool.acquire(kernel_name)

    def refill(self) -> None:
        """After a run: fresh kernels in place of the ones it used."""
        for name in sorted(self._names):
            self.want(name)

    def ready(self, kernel_name: str = DEFAULT_KERNEL_NAME) -> list[int]:
        """The pids of the kernels ready now."""
        with self._lock:
            pool = self._pool
        return [k.pid for k in pool.idle(kernel_name) if k.pid is not None] if pool else []

    def shutdown(self) -> None:
        """Stop every kernel now, for good: a run going on finishes with kernels of its own,
        and nothing refills the pool."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()
