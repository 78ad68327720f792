"""What running one step produced: its status, times, files and error."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..records.model import StepError, tail
from ..status import Status

__all__ = ["StepOutcome", "StepError", "tail", "timeout_message"]


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


def timeout_message(seconds: float | None) -> str:
    return f"the step ran longer than its timeout of {seconds} s and was stopped"
