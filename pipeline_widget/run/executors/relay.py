"""What every remote executor needs between the runner and its workers: each submitted
step's record until its outcome, its start and cell progress handed to the runner one at a
time and never after its outcome (workers report them as events on the run's topic), and
the outcome of a task that did not come back."""
from __future__ import annotations

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
        self.future: Any = None   # the remote task, once sent
        self.worker: str | None = None   # the worker it was sent to, if one was chosen


class Relay:
    """Workers' events about a run's steps, relayed to the runner on one thread."""

    def __init__(self) -> None:
        self.steps: dict[str, RemoteStep] = {}
        self._events = ThreadPoolExecutor(1, thread_name_prefix="relay-events")

    def add(self, entry: RemoteStep) -> None:
        self.steps[entry.plan.name] = entry

    def on_event(self, msg: Any) -> None:
        """{"step": name} when a step starts, {"step": name, "cell": [k, n]} per cell."""
        entry = self.steps.get(str(msg.get("step"))) if isinstance(msg, dict) else None
        if entry is None:
            return
        cell = msg.get("cell")
        if isinstance(cell, (list, tuple)) and len(cell) == 2:
            self._events.submit(self.cell, entry, int(cell[0]), int(cell[1]))
        else:
            self._events.submit(self.mark_running, entry)

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
