"""What runs inside a Dask worker process for the Dask executor: the worker's kernels,
started ahead of its next notebook steps and shared by the runs it serves, its client,
and the task of one step (run it, announce its start, answer cancel)."""
from __future__ import annotations

import os
import socket
import threading

from ..cancel import CancelToken
from ..plan.model import StepPlan
from ..step.execute import execute_step
from ..step.kernels import KernelPool
from ..step.outcome import StepOutcome
from .relay import outcome_event

CANCEL_POLL = 0.5            # seconds between a running step's looks at the cancel event


def worker_label() -> str:
    from distributed import get_worker

    return f"{socket.gethostname()}/{get_worker().name}"


_pool_lock = threading.Lock()
_pool: KernelPool | None = None   # this worker process's kernels started ahead of need
_idle_stop: threading.Timer | None = None   # stops them, unless a run comes first


def _worker_pool(dask_worker) -> KernelPool:
    """The worker's kernels, shared by the runs it serves: their connection files live in
    the worker's own folder, removed with the worker."""
    global _pool
    with _pool_lock:
        if _pool is None:
            folder = os.path.join(dask_worker.local_directory, "kernels")
            # one ready while each thread runs a step
            _pool = KernelPool(dask_worker.state.nthreads + 1, connection_dir=folder)
        return _pool


def _warm_worker(dask_worker) -> None:
    """What a worker's first step would otherwise wait for: papermill and the worker's
    client (the cancel event goes through it)."""
    from ..step.notebook import preload

    preload()
    try:
        worker_client(dask_worker)
    except Exception:
        pass  # the step does the same and reports what fails


_client_lock = threading.Lock()


def worker_client(dask_worker):
    """The worker's client, made once: the warm-up thread and a step's task both need it,
    and distributed does not guard its creation against two threads at once."""
    with _client_lock:
        return dask_worker._get_client()


async def prestart_kernels(counts: dict[str, int], dask_worker=None) -> None:
    """Run on each worker (Client.run, not waited for: a coroutine, on the worker's event
    loop, so it must not block) when a run opens: its first kernels boot now, and
    papermill loads meanwhile. Kernels kept from an earlier run serve it first."""
    _keep_pool()
    pool = _worker_pool(dask_worker)
    for name, count in counts.items():
        pool.want(name, count)   # up to the pool's size: one per thread, and one more
    threading.Thread(target=_warm_worker, args=(dask_worker,), name="warm-worker",
                     daemon=True).start()


async def stop_spare_kernels(keep_for: float = 0.0, dask_worker=None) -> None:
    """Run on each worker when a run closes (as prestart_kernels is): its fresh kernels
    are kept `keep_for` seconds for a next run, which takes them at once, then stopped
    (on a thread); a run that opens meanwhile keeps them. No idle kernel outlives that."""
    global _idle_stop
    _keep_pool()
    if keep_for > 0:
        with _pool_lock:
            if _pool is not None:
                _idle_stop = threading.Timer(keep_for, _stop_pool)
                _idle_stop.daemon = True
                _idle_stop.name = "stop-idle-kernels"
                _idle_stop.start()
                return
    _stop_pool()


def _keep_pool() -> None:
    """A run opens: the kernels kept from the last one are no longer to be stopped."""
    global _idle_stop
    with _pool_lock:
        if _idle_stop is not None:
            _idle_stop.cancel()
            _idle_stop = None


def _stop_pool() -> None:
    """Stop the worker's idle kernels; the next run's prestart makes a new pool."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        threading.Thread(target=pool.shutdown, name="stop-spare-kernels", daemon=True).start()


def run_on_worker(plan: StepPlan, cancel_event: str, topic: str, spare: int) -> StepOutcome:
    """The Dask task of one step: take a ready kernel (and start others for the `spare`
    notebook steps not yet sent), announce the start and each cell, run the step,
    answer cancel."""
    from distributed import Event, get_worker

    worker = get_worker()
    cancel, done = CancelToken(), threading.Event()
    # bound to the worker's client, usable from the watcher
    event = Event(cancel_event, client=worker_client(worker))
    kernel = None
    if plan.kernel_name is not None and not cancel.is_set():
        name = plan.kernel_name
        pool = _worker_pool(worker)
        try:
            kernel = pool.acquire(name)
        except Exception:
            kernel = None  # execute_step starts one and reports its failure
        pool.want(name, spare)
    worker.log_event(topic, {"step": plan.name})

    def watch() -> None:
        # Polls rather than waits on the scheduler, so nothing is left pending there
        # once the step ended; the first look is at once (a run canceled while this
        # step was on its way), off the step's path.
        while True:
            try:
                if event.is_set():
                    cancel.cancel()
                    return
            except Exception:
                return  # the scheduler went away: the task is ending anyway
            if done.wait(CANCEL_POLL):
                return

    def on_cell(k: int, n: int) -> None:
        worker.log_event(topic, {"step": plan.name, "cell": [k, n]})

    watcher = threading.Thread(target=watch, name=f"cancel-{plan.slug}", daemon=True)
    watcher.start()
    try:
        outcome = execute_step(plan, cancel, kernel, on_cell)
    finally:
        done.set()
        if kernel is not None:   # stopped beside the result's way back, as the local
            threading.Thread(target=kernel.stop, name="kernel-stop",   # reaper does
                             daemon=True).start()
    outcome.worker = worker_label()
    worker.log_event(topic, outcome_event(plan.name, outcome))
    return outcome
