"""The scheduler: starts each step once its producers finished, and publishes every change."""
from __future__ import annotations

import graphlib
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from ..core.workspace import Workspace
from . import diskspace
from .cancel import CancelToken
from .context import read_metrics
from .events import EventBus, StatusEvent
from .executors import Executor
from .plan import identity
from .plan.model import RunPlan, StepPlan
from .plan.selection import NOT_SELECTED
from .records import continuation, store
from .records.model import Metric, RunRecord, StepRecord
from .records.store import BackgroundSaver
from .reuse import results
from .reuse.cache import ReuseCache
from .status import Status
from .step.outcome import StepError, StepOutcome

RETRY_DELAY = 1.0   # seconds before the first retry; doubled for each one after


class Scheduler:
    def __init__(self, workspace: Workspace, plan: RunPlan, record: RunRecord, bus: EventBus,
                 executor: Executor, cache: ReuseCache, cancel: CancelToken,
                 continue_on_step_failure: bool, own: set[str] | None = None) -> None:
        """own: a joined run's steps this process runs (its saves merge only those)."""
        self.workspace = workspace
        self.plan, self.record, self.bus, self.executor = plan, record, bus, executor
        self.cache, self.cancel = cache, cancel
        self.continue_on_step_failure = continue_on_step_failure
        self.status: dict[str, Status] = {n: Status.NOT_STARTED for n in plan.steps}
        self._lock = threading.Lock()
        self._saver: BackgroundSaver | None = None  # while steps run
        self.own = own

    def _save(self) -> None:
        """Write the record; a disk that cannot take it does not stop the run (the record on
        disk stays the last whole one: writes are atomic), and the run says so at its end."""
        try:
            if self.own is not None:
                continuation.save_joined(self.workspace, self.record, self.own)
            else:
                store.save(self.workspace, self.record)
            self.record.unsaved = None
        except OSError as err:
            where = store.run_dir(self.workspace, self.record.run_id)
            self.record.unsaved = (diskspace.message(where, "the run record")
                                   if diskspace.no_space(err) else
                                   f"the run record could not be written in {where}: "
                                   f"{err.strerror or err}")

    # -- state changes: record, then event -----------------------------------------
    def _set(self, name: str, status: Status, save: bool = True, **values: Any) -> None:
        # Step threads report Running while this thread records other steps: one at a time,
        # so a save never serialises an entry that another thread is changing.
        with self._lock:
            self.status[name] = status
            entry = self.record.steps[name]
            entry.status = status
            for key, value in values.items():
                setattr(entry, key, value)
            if save and self._saver is not None:
                self._saver.request(now=status.is_terminal)
            elif save:
                self._save()
            detail = {k: v for k, v in values.items() if k in ("error", "why_not_reused", "reason")}
            self.bus.publish(StatusEvent(self.plan.run_id, name, status,
                                         is_reused=entry.is_reused, detail=detail))

    def _set_run(self, status: Status) -> None:
        with self._lock:
            self.record.status = status
            if status.is_terminal:
                self.record.end_time = time.time()
            self._save()
            self.bus.publish(StatusEvent(self.plan.run_id, None, status))

    # -- the loop ---------------------------------------------------------------------
    def run(self) -> Status:
        self._set_run(Status.RUNNING)
        self._saver = BackgroundSaver(
            self.workspace, self.record, self._lock,
            save=None if self.own is None else lambda record: continuation.save_joined(
                self.workspace, record, self.own or set()))
        try:
            self.executor.open(self.plan)
            self._loop()
        except BaseException as err:  # an error of ours: end the run, never leave it Running
            for name, status in self.status.items():
                if not status.is_terminal:
                    self._set(name, Status.FAILED,
                              error=StepError.of(err, f"the runner failed: {err}"))
        finally:
            self.executor.close()
            try:
                self.cache.digests.save()
            except OSError:   # a memo of digests: without it, files are read again next time
                pass
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
                elif step.kept:   # finished earlier in this run (resume, --join): as it was
                    self._set(name, Status.FINISHED, save=False)
                elif not step.selected:
                    self._set(name, Status.NOT_SELECTED, save=False, reason=NOT_SELECTED)
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
                    future = self.executor.submit(step, self.cancel, self._on_running(name),
                                                   self._on_cell(name))
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
                step = self.plan.steps[name]
                if self._retry(step, outcome):
                    running[self._later(step, self._backoff(step))] = name
                    continue
                self._finish(step, outcome)
                if outcome.status == Status.FAILED and not self.continue_on_step_failure:
                    stop_new = True
                sorter.done(name)

    # -- retries ----------------------------------------------------------------------
    def _retry(self, step: StepPlan, outcome: StepOutcome) -> bool:
        """After a failed attempt with attempts left: record it, clear what it left, and say
        that the step goes again."""
        entry = self.record.steps[step.name]
        if outcome.status != Status.FAILED or self.cancel.is_set() \
                or len(entry.attempts) >= step.retries:
            return False
        metrics = read_metrics(f"{step.record_dir}/{store.METRICS}")
        entry.attempts.append({
            "attempt": len(entry.attempts) + 1, "start_time": outcome.start_time,
            "end_time": outcome.end_time, "error": outcome.error.to_dict() if outcome.error else None,
            "metrics": [m.to_dict() for m in metrics]})
        results.clear_attempt(step)
        delay = self._backoff(step)
        self._set(step.name, Status.QUEUED, reason=f"attempt {len(entry.attempts)} of "
                  f"{step.retries + 1} failed ({outcome.error.headline() if outcome.error else 'failed'}); "
                  f"trying again in {delay:g} s")
        return True

    def _backoff(self, step: StepPlan) -> float:
        """Seconds before the next attempt: RETRY_DELAY, doubling with each attempt."""
        return RETRY_DELAY * 2 ** (len(self.record.steps[step.name].attempts) - 1)

    def _later(self, step: StepPlan, delay: float) -> Future:
        """The step submitted again after `delay` seconds (at once if the run is canceled)."""
        later: Future = Future()

        def submit() -> None:
            self.cancel.wait(delay)
            try:
                inner = self.executor.submit(step, self.cancel, self._on_running(step.name),
                                             self._on_cell(step.name))
            except BaseException as err:
                later.set_exception(err)
                return
            inner.add_done_callback(lambda f: later.set_exception(f.exception())
                                    if f.exception() else later.set_result(f.result()))

        threading.Thread(target=submit, name=f"retry-{step.slug}", daemon=True).start()
        return later

    def _store_result(self, step: StepPlan, fingerprint: str, outcome: StepOutcome,
                      metrics: list, reads: dict) -> list[str]:
        """Keep a finished step's result for reuse; a disk that cannot take the entry only
        costs the reuse (the run goes on), and the record says so."""
        try:
            self.cache.store(fingerprint, {
                "fingerprint": fingerprint, "run_id": step.run_id,
                "step_run_id": step.step_run_id, "outputs": step.outputs,
                "manifests": step.manifests,
                "manifest_digests": {n: v["manifest"] for n, v in step.lineage.items()},
                "notebook": outcome.notebook, "stdout": outcome.stdout,
                "stderr": outcome.stderr, "metrics": [m.to_dict() for m in metrics],
                "finished": outcome.end_time, "components": step.components,
                "reads": reads,
            }, self.plan.pipeline_name, step.slug)
        except OSError as err:
            return [f"its result is not kept for reuse: {err.strerror or err}"]
        return []

    def _on_running(self, name: str):
        def on_running() -> None:
            if not self.cancel.is_set():
                self._set(name, Status.RUNNING, start_time=time.time(), reason=None, cell=None)
        return on_running

    def _on_cell(self, name: str):
        """A notebook step's cells as they start go into its record (no event: a status
        is unchanged, and views that show progress read it while the step runs)."""
        def on_cell(k: int, n: int) -> None:
            with self._lock:
                self.record.steps[name].cell = [k, n]
                if self._saver is not None:
                    self._saver.request()
        return on_cell

    @staticmethod
    def _outcome(future: Future) -> StepOutcome:
        try:
            return future.result()
        except BaseException as err:  # the executor lost the step (e.g. a worker died)
            return StepOutcome(Status.FAILED, error=StepError.of(err))

    def _finish(self, step: StepPlan, outcome: StepOutcome) -> None:
        metrics = read_metrics(f"{step.record_dir}/{store.METRICS}")
        status = Status.CANCELED if self.cancel.is_set() and outcome.status != Status.FINISHED \
            else outcome.status
        notes = [*step.notes, *outcome.notes]  # the plan's notes stay
        results.hint_for_permission_error(step, outcome.error)
        if status == Status.FAILED and diskspace.full(step.record_dir):
            # what failed is most likely the disk: say so, and free what the step wrote
            # (a failed step's outputs are never kept), so the run can record its end
            results.clear_attempt(step)
            outcome.error = StepError("NoSpaceLeft", diskspace.message(
                step.record_dir, f"step {step.name!r}'s outputs or logs"),
                traceback=outcome.error.traceback if outcome.error else "")
        if status == Status.FINISHED:
            outcome.error = results.written_inputs(self.plan, step)
            if outcome.error is not None:
                status = Status.FAILED
        fingerprint = step.fingerprint
        if status == Status.FINISHED:
            results.seal_outputs(step)
            step.components = results.final_components(self.plan, step)
            fingerprint = step.fingerprint = identity.fingerprint(step.components)
            changed = results.changed_datasets(step, self.cache.digests, self.workspace.path)
            notes += changed
            reads, unkept = results.observed_reads(step, outcome, self.cache.digests,
                                                   self.workspace.path)
            if unkept and step.allow_reuse:
                notes.append(unkept)
            if not changed and reads is not None and step.allow_reuse:
                notes += self._store_result(step, fingerprint, outcome, metrics, reads)
        values: dict[str, Any] = {
            "start_time": outcome.start_time, "end_time": outcome.end_time,
            "error": outcome.error, "notebook": outcome.notebook, "stdout": outcome.stdout,
            "stderr": outcome.stderr, "worker": outcome.worker, "notes": notes,
            "metrics": metrics, "fingerprint": fingerprint, "cell": outcome.cell}
        if status != Status.QUEUED and (self.record.steps[step.name].reason or "").startswith(
                "attempt "):   # "trying again in 1 s" no longer holds
            values["reason"] = ("canceled while waiting to try again"
                                if status == Status.CANCELED else None)
            self.record.steps[step.name].reason = values["reason"]
        self._set(step.name, status, **{k: v for k, v in values.items() if v is not None})


def step_entry(step: StepPlan) -> StepRecord:
    """A step's part of the run record before it runs."""
    entry = StepRecord(name=step.name, step_run_id=step.step_run_id, kind=step.kind,
                       source=step.source, fingerprint=step.fingerprint, is_reused=step.reused,
                       inputs=dict(step.inputs), outputs=dict(step.outputs),
                       upstream=list(step.upstream), notes=list(step.notes),
                       record_dir=step.record_dir)
    if step.reused:
        cached = step.reused_from or {}
        entry.reused_from = cached.get("run_id")
        entry.notebook, entry.stdout = cached.get("notebook"), cached.get("stdout")
        entry.stderr = cached.get("stderr")
        entry.metrics = [Metric.from_dict(m) for m in cached.get("metrics", [])
                         if isinstance(m, dict)]
    else:
        entry.why_not_reused = list(step.why_not_reused)
    return entry
