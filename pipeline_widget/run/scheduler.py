"""The scheduler: starts each step once its producers finished, and publishes every change."""
from __future__ import annotations

import graphlib
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait


from .cache import ReuseCache
from .cancel import CancelToken
from .context import read_metrics
from .events import EventBus, Status, StatusEvent
from .executors import Executor
from .outcome import StepOutcome, exception_error
from .plan import RunPlan, StepPlan
from .records import METRICS, BackgroundSaver, RunRecord


class Scheduler:
    def __init__(self, plan: RunPlan, record: RunRecord, bus: EventBus, executor: Executor,
                 cache: ReuseCache, cancel: CancelToken, continue_on_step_failure: bool) -> None:
        self.plan, self.record, self.bus, self.executor = plan, record, bus, executor
        self.cache, self.cancel = cache, cancel
        self.continue_on_step_failure = continue_on_step_failure
        self.status: dict[str, Status] = {n: Status.NOT_STARTED for n in plan.steps}
        self._lock = threading.Lock()
        self._saver: BackgroundSaver | None = None  # while steps run

    # -- state changes: record, then event -----------------------------------------
    def _set(self, name: str, status: Status, save: bool = True, **fields) -> None:
        # Step threads report Running while this thread records other steps: one at a time,
        # so a save never serialises an entry that another thread is changing.
        with self._lock:
            self.status[name] = status
            entry = self.record.data["steps"][name]
            entry["status"] = status.value
            entry.update(fields)
            if save and self._saver is not None:
                self._saver.request()
            elif save:
                self.record.save()
            detail = {k: v for k, v in fields.items() if k in ("error", "why_not_reused", "reason")}
            self.bus.publish(StatusEvent(self.plan.run_id, name, status,
                                         is_reused=bool(entry.get("is_reused")), detail=detail))

    def _set_run(self, status: Status) -> None:
        with self._lock:
            self.record.data["status"] = status.value
            if status.is_terminal:
                self.record.data["end_time"] = time.time()
            self.record.save()
            self.bus.publish(StatusEvent(self.plan.run_id, None, status))

    # -- the loop ---------------------------------------------------------------------
    def run(self) -> Status:
        self._set_run(Status.RUNNING)
        self._saver = BackgroundSaver(self.record, self._lock)
        try:
            self.executor.open(self.plan)
            self._loop()
        except BaseException as err:  # an error of ours: end the run, never leave it Running
            for name, status in self.status.items():
                if not status.is_terminal:
                    self._set(name, Status.FAILED,
                              error=exception_error(err, f"the runner failed: {err}"))
        finally:
            self.executor.close()
            self.cache.digests.save()
            self._saver.close()
            self._saver = None
        statuses = set(self.status.values())
        final = (Status.CANCELED if self.cancel.is_set() else
                 Status.FAILED if Status.FAILED in statuses else Status.FINISHED)
        self._set_run(final)
        return final

    def _loop(self) -> None:
        sorter = graphlib.TopologicalSorter(self.plan.upstream)
        sorter.prepare()
        running: dict[Future, str] = {}
        stop_new = False
        while sorter.is_active():
            ready = sorter.get_ready()
            for name in ready:
                step = self.plan.steps[name]
                blocked = [u for u in step.upstream if self.status[u] != Status.FINISHED]
                if self.cancel.is_set():
                    self._set(name, Status.CANCELED, reason="the run was canceled")
                elif blocked:
                    self._set(name, Status.SKIPPED,
                              reason=f"upstream step {blocked[0]!r} did not finish")
                elif stop_new:
                    self._set(name, Status.SKIPPED, reason="another step failed; pass "
                              "continue_on_step_failure=True to run independent branches")
                elif step.reused:
                    self._set(name, Status.FINISHED, save=False, start_time=time.time(),
                              end_time=time.time())
                else:
                    self._set(name, Status.QUEUED)
                    future = self.executor.submit(step, self.cancel, self._on_running(name))
                    running[future] = name
                    continue
                sorter.done(name)
            if ready:
                continue
            if not running:
                raise RuntimeError("no step is ready or running, yet the run is not done")
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                outcome = self._outcome(future)
                self._finish(self.plan.steps[name], outcome)
                if outcome.status == Status.FAILED and not self.continue_on_step_failure:
                    stop_new = True
                sorter.done(name)

    def _on_running(self, name: str):
        def on_running() -> None:
            if not self.cancel.is_set():
                self._set(name, Status.RUNNING, start_time=time.time())
        return on_running

    @staticmethod
    def _outcome(future: Future) -> StepOutcome:
        try:
            return future.result()
        except BaseException as err:  # the executor lost the step (e.g. a worker died)
            return StepOutcome(Status.FAILED, error=exception_error(err))

    def _finish(self, step: StepPlan, outcome: StepOutcome) -> None:
        metrics = read_metrics(f"{step.record_dir}/{METRICS}")
        status = Status.CANCELED if self.cancel.is_set() and outcome.status != Status.FINISHED \
            else outcome.status
        fields = {k: v for k, v in outcome.to_dict().items() if v is not None and k != "status"}
        fields["notes"] = [*step.notes, *outcome.notes]  # the plan's notes stay
        fields["metrics"] = metrics
        if status == Status.FINISHED:
            self.cache.store(step.fingerprint, {
                "fingerprint": step.fingerprint, "run_id": step.run_id,
                "step_run_id": step.step_run_id, "outputs": step.outputs,
                "notebook": outcome.notebook, "stdout": outcome.stdout, "stderr": outcome.stderr,
                "metrics": metrics, "finished": outcome.end_time, "components": step.components,
            }, self.plan.pipeline_name, step.slug)
        self._set(step.name, status, **fields)


def step_entry(step: StepPlan) -> dict:
    """A step's part of the run record before it runs."""
    entry = {"status": Status.NOT_STARTED.value, "step_run_id": step.step_run_id,
             "kind": step.kind, "source": step.source, "fingerprint": step.fingerprint,
             "is_reused": step.reused, "inputs": step.inputs, "outputs": step.outputs,
             "upstream": step.upstream, "notes": step.notes, "record_dir": step.record_dir,
             "start_time": None, "end_time": None, "error": None, "metrics": []}
    if step.reused:
        cached = step.reused_from or {}
        entry.update(reused_from=cached.get("run_id"), notebook=cached.get("notebook"),
                     stdout=cached.get("stdout"), stderr=cached.get("stderr"),
                     metrics=cached.get("metrics", []))
    else:
        entry["why_not_reused"] = step.why_not_reused
    return entry



