"""The executor interface: where planned steps run."""
from __future__ import annotations

import os
from concurrent.futures import Future
from typing import Callable

from ..cancel import CancelToken
from ..plan.model import RunPlan, StepPlan
from ..step.outcome import OnCell, StepOutcome


def default_parallelism() -> int:
    return os.cpu_count() or 1


class Executor:
    """Runs planned steps; `submit` returns a future of the step's outcome."""

    name = "executor"

    def warm_up(self, plan: RunPlan) -> None:
        """Start slow resources early, while the submission is still being checked; the
        run then calls open(), or close() if the submission is refused."""

    def open(self, plan: RunPlan) -> None:
        """Called once before the first step, with the whole plan (to prepare resources)."""

    def submit(self, step: StepPlan, cancel: CancelToken, on_running: Callable[[], None],
               on_cell: OnCell | None = None) -> "Future[StepOutcome]":
        """`on_running` is called once when the step starts, `on_cell` as a notebook
        step starts each code cell (on any thread)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release everything: no kernel or process may outlive this call."""
