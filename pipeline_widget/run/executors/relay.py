"""What every remote executor needs between the runner and its workers: each submitted
step's record until its outcome, its start, cell progress and outcome handed to the runner
one at a time, in the order the worker reported them (as events on the run's topic), and
the outcome of a task that did not come back.

A worker reports a step's outcome as an event too, before its task returns: it reaches the
runner one hop sooner than the task's result, which the runner would fetch in a second
round trip (the task's result stays the fallback)."""
from __future__ import annotations

import pickle
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from ..plan.model import StepPlan
from ..status import Status
from ..step.outcome import OnCell, StepError, StepOutcome


class RemoteStep:
    """What the executor keeps of a submitted step until its outcome is handed over."""

    def __init__(self, plan: StepPlan, on_running: Callable[[], None],
                 on_cell: OnCell | None) -> None:
        self.plan, self.on_running, self.on_cell = plan, on_running, on_cell
        self.result: Future[StepOutcome] = Future()
        self.lock = threading.Lock()
        self.running = False
        self.handed_over = False   # its outcome given to the runner (only once)
        self.future: Any = None   # the remote task, once sent
        self.worker: str | None = None   # the worker it was sent to, if one was chosen


def outcome_event(name: str, outcome: StepOutcome) -> dict[str, Any]:
    """The event a worker sends with a step's outcome (bytes: events travel as msgpack)."""
    return {"step": name, "outcome": pickle.dumps(outcome)}


class Relay:
    """Workers' events about a run's steps, relayed to the runner on one thread.
    `on_outcome(entry, outcome)` is called once per step whose outcome came as an event."""

    def __init__(self, on_outcome: Callable[[RemoteStep, StepOutcome], None] | None = None
                 ) -> None:
        self.steps: dict[str, RemoteStep] = {}
        self._on_outcome = on_outcome
        self._events = ThreadPoolExecutor(1, thread_name_prefix="relay-events")

    def add(self, entry: RemoteStep) -> None:
        self.steps[entry.plan.name] = entry

    def on_event(self, msg: Any) -> None:
        """{"step": name} when a step starts, {"step": name, "cell": [k, n]} per cell,
        {"step": name, "outcome": bytes} when it ended."""
        entry = self.steps.get(str(msg.get("step"))) if isinstance(msg, dict) else None
        if entry is None:
            return
        cell, outcome = msg.get("cell"), msg.get("outcome")
        if isinstance(outcome, bytes) and self._on_outcome is not None:
            self._events.submit(self._outcome, entry, outcome)
        elif isinstance(cell, (list, tuple)) and len(cell) == 2:
            self._events.submit(self.cell, entry, int(cell[0]), int(cell[1]))
        else:
            self._events.submit(self.mark_running, entry)

    def _outcome(self, entry: RemoteStep, data: bytes) -> None:
        try:
            outcome = pickle.loads(data)
        except Exception:
            return  # the task's own result still comes
        if isinstance(outcome, StepOutcome) and self._on_outcome is not None:
            self.mark_running(entry)
            self._on_outcome(entry, outcome)

    @staticmethod
    def cell(entry: RemoteStep, k: int, n: int) -> None:
        with entry.lock:  # only while it runs: never after its outcome
            if entry.running and entry.on_cell is not None and not entry.result.done():
                entry.on_cell(k, n)

    @staticmethod
    def mark_running(entry: RemoteStep) -> None:
        with entry.lock:  # Running is published once, and before the outcome
            if not entry.running:
                entry.running = True
                entry.on_running()

    @staticmethod
    def lost(entry: RemoteStep, cancelled: bool, error: BaseException | None,
             where: str) -> StepOutcome:
        """The outcome of a task that returned none (canceled, or its worker failed)."""
        now = time.time()
        if cancelled:
            return StepOutcome(Status.CANCELED, now, now,
                               error=StepError("Canceled", "canceled before it ran"))
        return StepOutcome(Status.FAILED, now, now, error=StepError.of(
            error or RuntimeError("lost"),
            f"the {where} running step {entry.plan.name!r} failed: {error}"))

    def close(self) -> None:
        self._events.shutdown(wait=True)
