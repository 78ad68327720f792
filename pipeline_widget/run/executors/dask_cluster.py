"""The Dask executor: each step is one task on a dask.distributed worker.

The task runs the same `execute_step` as the local executor (papermill in a
kernel the worker starts). Dependencies, statuses and events stay with the
local scheduler: a worker reports the start of a step as a Dask event, and
the task's result is the step's outcome. Cancel travels the other way as a
Dask `Event` per run, which a watcher thread beside each running step turns
into the worker's own CancelToken (killing the step's kernel or process).

Each worker keeps kernels started ahead of its next notebook steps (one more
than its threads, as long as steps remain), so a step's kernel boots while the
previous ones run. When a run closes, a running cluster's workers keep their fresh
kernels KEEP_WARM seconds for the next run, then stop them.

The project folder and the run records must be reachable at the same paths on
the workers (one machine, or a shared filesystem); data may live on a remote
datastore (see transfer.py).
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import Counter, deque
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from typing import Any, Callable

from ...core.errors import PipelineError
from ..cancel import CancelToken
from ..plan.model import RunPlan, StepPlan
from ..status import Status
from ..step.outcome import OnCell, StepOutcome
from .base import Executor
from .dask_worker import prestart_kernels, run_on_worker, stop_spare_kernels
from .kept_environment import environment_kept, put_back
from .relay import Relay, RemoteStep

DEFAULT_WORKERS = 2          # of a LocalCluster started for a run
CONNECT_TIMEOUT = 10         # seconds to reach a running scheduler
KEEP_WARM = 60.0             # seconds a running cluster's workers keep fresh kernels after a run


def scheduler_address(address: str) -> str | None:
    """None for a new LocalCluster ("dask"); a tcp:// address for a running scheduler.
    A malformed address is refused here, with the form it must take."""
    if address == "dask":
        return None
    rest = address.split("://", 1)[1] if "://" in address else address
    host, _, port = rest.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in host:
        raise PipelineError(f"executor {address!r} is not a scheduler address; use "
                            f"dask://HOST:PORT (e.g. dask://127.0.0.1:8786), or 'dask' for a "
                            f"new local cluster")
    return f"tcp://{rest}"


@contextmanager
def _workers_without_main():
    """Worker processes start by spawn, which runs the user's __main__ again in each of
    them; a script without an `if __name__ == "__main__":` guard would then submit its
    pipeline from every worker, and no worker would start. The workers need nothing of
    __main__, so while they start, spawn is told not to load it."""
    import multiprocessing.spawn as spawn

    original = spawn.get_preparation_data

    def without_main(name: str) -> dict:
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    with _spawn_lock:
        spawn.get_preparation_data = without_main
        try:
            yield
        finally:
            spawn.get_preparation_data = original


_spawn_lock = threading.Lock()


class DaskExecutor(Executor):
    """`address`: "dask" starts a LocalCluster (`max_parallel` worker processes, default
    2, one thread each) and closes it after the run; "dask://host:8786" or
    "tcp://host:8786" uses a running scheduler, with at most `max_parallel` steps at
    once if given."""

    name = "dask"

    def __init__(self, address: str = "dask", max_parallel: int | None = None) -> None:
        self.address = address
        self._scheduler = self._scheduler_for(address)
        self.max_parallel = max_parallel or (DEFAULT_WORKERS if self._scheduler is None else None)
        self._cluster: Any = None
        self._client: Any = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._relay = Relay(on_outcome=self._finish)
        self._steps = self._relay.steps
        self._queue: deque[RemoteStep] = deque()   # waiting for a slot (max_parallel)
        self._in_flight = 0
        self._lock = threading.Lock()
        self._hooks = ExitStack()
        # the caller's variables a cluster of the run's own changed, and their values before
        self._environ: dict[str, str] = {}
        self._environ_touched: set[str] = set()
        self._cancel_token: CancelToken | None = None
        self._topic = self._cancel_event = ""
        self._remaining: Counter[str] = Counter()   # notebook steps not yet sent, by kernel
        self._prestarted = False
        # this run's steps on each worker: a step goes to the least busy (the scheduler,
        # knowing nothing of them, may queue two short steps on one worker)
        self._load: Counter[str] = Counter()
        self._sent: Counter[str] = Counter()   # this run's steps sent to each worker

    # -- connecting ---------------------------------------------------------------
    @staticmethod
    def _scheduler_for(address: str) -> str | None:
        """The running scheduler to reach, or None when the executor makes its cluster."""
        return scheduler_address(address)

    def _make_cluster(self) -> Any:
        """The cluster a run starts for itself (here a LocalCluster; Slurm jobs, pods)."""
        import dask
        from distributed import LocalCluster

        # A step whose worker dies fails at once, rather than being retried on (and
        # perhaps killing) the next worker.
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
                _workers_without_main():
            return LocalCluster(n_workers=self.max_parallel, threads_per_worker=1,
                                processes=True, host="127.0.0.1",
                                dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)

    def _connect(self) -> None:
        from distributed import Client

        if self._scheduler is None:
            with environment_kept(self._environ_touched) as self._environ:
                self._cluster = self._make_cluster()
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(self._scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as err:
                raise PipelineError(f"could not connect to the Dask scheduler at "
                                    f"{self._scheduler} ({err}); start it (dask scheduler) "
                                    f"or check the address given as executor") from err

    def _prestart(self) -> None:
        """Ask as many workers as there are notebook steps to boot their first kernels."""
        total = sum(self._remaining.values())
        if not total:
            return
        known = list(self._client.scheduler_info(n_workers=-1)["workers"])
        with self._lock:
            self._load = Counter({w: 0 for w in known})
        workers = known[:total]
        # not waited for: the steps are sent meanwhile, and a worker's pool serves them
        # with the kernels it has booted by then, or starts theirs
        self._client.run(prestart_kernels, dict(self._remaining), workers=workers, wait=False)
        self._prestarted = True

    def _start_in_background(self) -> None:
        def start() -> None:
            try:
                self._connect()
                self._prestart()
            except BaseException as err:
                self._start_error = err

        self._starting = threading.Thread(target=start, name="dask-connect", daemon=True)
        self._starting.start()

    def warm_up(self, plan: RunPlan) -> None:
        """A running scheduler is reached now, so a wrong address is refused at submit;
        a LocalCluster starts in the background while the submission is checked."""
        if self._client is not None or self._starting is not None:
            return
        self._remaining = Counter(s.kernel_name for s in plan.to_execute
                                  if s.kernel_name is not None)
        if self._scheduler is None:
            self._start_in_background()
        else:
            self._connect()
            try:
                self._prestart()
            except Exception:
                pass  # steps start their own kernels

    def open(self, plan: RunPlan) -> None:
        self._topic = f"pipeline_widget-{plan.run_id}"
        self._cancel_event = f"pipeline_widget-cancel-{plan.run_id}"
        if not plan.to_execute:
            return  # every step is reused: no cluster needed
        if self._client is None and self._starting is None:
            self.warm_up(plan)
        if self._starting is not None:
            self._starting.join()
        if self._start_error is not None:
            raise self._start_error
        self._client.subscribe_topic(self._topic, self._on_event)

    # -- steps ----------------------------------------------------------------------
    def submit(self, step: StepPlan, cancel: CancelToken, on_running: Callable[[], None],
               on_cell: OnCell | None = None) -> "Future[StepOutcome]":
        if self._cancel_token is None:
            self._cancel_token = cancel
            self._hooks.enter_context(cancel.on_cancel(self._cancel_run))
        entry = RemoteStep(step, on_running, on_cell)
        with self._lock:
            self._relay.add(entry)
            if self.max_parallel is not None and self._scheduler is not None \
                    and self._in_flight >= self.max_parallel:
                self._queue.append(entry)
                return entry.result
            self._in_flight += 1
        self._send(entry)
        return entry.result

    def _send(self, entry: RemoteStep) -> None:
        spare = 0
        if entry.plan.kernel_name is not None:
            with self._lock:
                name = entry.plan.kernel_name
                self._remaining[name] -= 1
                spare = max(0, self._remaining[name])
        with self._lock:
            # the least busy; among equals, the one sent fewest steps, so a chain takes
            # turns and each worker's kernels boot while the other's step runs
            worker = min(self._load, key=lambda w: (self._load[w], self._sent[w])) \
                if self._load else None
            if worker is not None:
                self._load[worker] += 1
                self._sent[worker] += 1
        entry.worker = worker
        placement = {"workers": [worker], "allow_other_workers": True} if worker else {}
        entry.future = self._client.submit(run_on_worker, entry.plan, self._cancel_event,
                                           self._topic, spare, **placement,
                                           # each attempt a task of its own: Dask keeps
                                           # a failed key's error (a killed worker's too)
                                           key=f"step-{entry.plan.step_run_id}-"
                                               f"{secrets.token_hex(3)}",
                                           pure=False, retries=0)
        entry.future.add_done_callback(lambda f, e=entry: self._done(e, f))

    def _on_event(self, event) -> None:
        """A worker started a step or one of its cells (on the client's event loop)."""
        _, msg = event
        self._relay.on_event(msg)

    def _done(self, entry: RemoteStep, future) -> None:
        """The step's task ended: its outcome, unless its worker's event brought it."""
        if entry.handed_over:
            return
        try:
            Relay.mark_running(entry)
            outcome = self._outcome(entry, future)
        except BaseException as err:  # never leave the scheduler waiting
            outcome = Relay.lost(entry, False, err, "Dask client")
        self._finish(entry, outcome)

    def _finish(self, entry: RemoteStep, outcome: StepOutcome) -> None:
        """Hand the step's outcome over once (its worker's event or its task's result,
        whichever comes first) and give its place to the next step."""
        with entry.lock:
            if entry.handed_over:
                return
            entry.handed_over = True
        entry.result.set_result(outcome)
        with self._lock:
            self._in_flight -= 1
            if entry.worker is not None and entry.worker in self._load:
                self._load[entry.worker] -= 1
            following = self._queue.popleft() if self._queue else None
            if following is not None:
                self._in_flight += 1
        if following is not None:
            self._send(following)

    @staticmethod
    def _outcome(entry: RemoteStep, future) -> StepOutcome:
        if future.status == "finished":
            return future.result()
        cancelled = future.status == "cancelled"
        return Relay.lost(entry, cancelled, None if cancelled else future.exception(),
                          "Dask worker")

    def _cancel_run(self) -> None:
        """Tell every worker to stop this run's steps; steps still waiting never start."""
        from distributed import Event

        with self._lock:
            waiting, self._queue = list(self._queue), deque()
        for entry in waiting:
            now = time.time()
            entry.handed_over = True
            entry.result.set_result(StepOutcome(Status.CANCELED, now, now))
        if self._client is not None:
            try:
                Event(self._cancel_event, client=self._client).set()
            except Exception:
                pass

    # -- the end -----------------------------------------------------------------------
    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        self._hooks.close()
        client, cluster = self._client, self._cluster
        if client is not None:
            left = [e.future for e in self._steps.values()
                    if e.future is not None and not e.future.done()]
            if left:  # the runner itself failed: stop what it sent
                self._cancel_run()
                self._quietly(client.cancel, left, force=True)
            if self._topic:
                self._quietly(client.unsubscribe_topic, self._topic)
            if self._prestarted or self._steps:   # not waited for either
                # a cluster of the run's own closes with it: nothing to keep
                keep = KEEP_WARM if cluster is None else 0.0
                self._quietly(client.run, stop_spare_kernels, keep, wait=False)
            if self._cancel_token is not None and self._cancel_token.is_set():
                from distributed import Event

                self._quietly(Event(self._cancel_event, client=client).clear)  # frees it
            client.close()
        if cluster is not None:
            cluster.close()
            put_back(self._environ, self._environ_touched)   # also what restarts set again
        self._client = self._cluster = None
        self._relay.close()

    @staticmethod
    def _quietly(fn, *args, **kwargs) -> None:
        """Clean-up that must not stop the rest of close()."""
        try:
            fn(*args, **kwargs)
        except Exception:
            pass
