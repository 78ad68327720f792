"""The local executor: a thread per running step and a pool of pre-started kernels."""
from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from ..cancel import CancelToken
from ..plan.model import RunPlan, StepPlan
from ..step.execute import execute_step
from ..step.kernels import KernelPool, Reaper
from ..step.outcome import OnCell, StepOutcome
from .base import Executor, default_parallelism


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, max_parallel: int | None = None, warm: Any = None) -> None:
        """warm: a run.warm.WarmKernels whose ready kernels the steps take first (kept
        after the run)."""
        self.max_parallel = max(1, max_parallel or default_parallelism())
        self._threads = ThreadPoolExecutor(self.max_parallel, thread_name_prefix="step")
        self._pool: Any = None   # a KernelPool of this run, or the warm kernels given
        self._waiting: Counter[str] = Counter()   # notebook steps not yet started, by kernel
        self._lock = threading.Lock()
        self._reaper = Reaper()
        self._warmed = False
        self._kernels_dir = ""
        self._warm = warm

    def warm_up(self, plan: RunPlan) -> None:
        """Start the first kernels now: they boot while the plan is checked and papermill
        is imported."""
        self._warmed = True
        self._waiting = Counter(s.kernel_name for s in plan.to_execute
                                if s.kernel_name is not None)
        if self._waiting:
            self._kernels_dir = plan.kernels_dir
            imported: threading.Event | None = None
            if self._warm is not None:   # running already: nothing to wait for
                self._pool = self._warm
            else:
                pool = KernelPool(self.max_parallel, connection_dir=plan.kernels_dir or None)
                self._pool, imported = pool, pool.imported
            for name, count in self._waiting.items():
                self._pool.want(name, count)
            from ..step.notebook import preload_in_background

            preload_in_background(after=imported)

    def open(self, plan: RunPlan) -> None:
        if not self._warmed:
            self.warm_up(plan)

    def submit(self, step: StepPlan, cancel: CancelToken, on_running: Callable[[], None],
               on_cell: OnCell | None = None) -> "Future[StepOutcome]":
        return self._threads.submit(self._run, step, cancel, on_running, on_cell)

    def _run(self, step: StepPlan, cancel: CancelToken, on_running: Callable[[], None],
             on_cell: OnCell | None) -> StepOutcome:
        kernel = None
        if step.kernel_name is not None and self._pool is not None and not cancel.is_set():
            name = step.kernel_name
            try:
                kernel = self._pool.acquire(name)
            except Exception:
                kernel = None  # execute_step starts one and reports its failure
            with self._lock:
                self._waiting[name] -= 1
                self._pool.want(name, self._waiting[name])
        on_running()
        try:
            return execute_step(step, cancel, kernel, on_cell)
        finally:
            if kernel is not None:
                self._reaper.stop(kernel)  # the step has ended; its kernel goes meanwhile

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        if self._pool is not None and self._pool is not self._warm:
            self._pool.shutdown()
        elif self._warm is not None:
            self._warm.refill()
        self._reaper.join()
        if self._kernels_dir:
            try:
                os.rmdir(self._kernels_dir)   # empty once every kernel has stopped
            except OSError:
                pass
