"""What running one step produced: its status, times, files and error."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..records.model import StepError, tail
from ..status import Status

__all__ = ["StepOutcome", "StepError", "tail", "timeout_message", "OnCell"]

# Told, as a notebook step runs, which code cell it has started: (k, n), k counted from 1.
OnCell = Callable[[int, int], None]


@dataclass
class StepOutcome:
    status: Status
    start_time: float | None = None
    end_time: float | None = None
    error: StepError | None = None
    notebook: str | None = None           # the executed copy
    stdout: str | None = None
    stderr: str | None = None
    worker: str | None = None
    notes: list[str] = field(default_factory=list)
    cell: list[int] | None = None          # [k, n]: the last code cell a notebook started
    traced: bool = True                    # its process recorded what it read (a Python)


def timeout_message(seconds: float | None) -> str:
    return f"the step ran longer than its timeout of {seconds} s and was stopped"
