"""What running one step produced: its status, times, files and error."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .events import Status

TRACEBACK_TAIL = 30  # lines of a traceback or stderr kept in records


@dataclass
class StepOutcome:
    status: Status
    start_time: float | None = None
    end_time: float | None = None
    error: dict[str, Any] | None = None   # type, message, cell, traceback (tail)
    notebook: str | None = None           # the executed copy
    stdout: str | None = None
    stderr: str | None = None
    worker: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d


def step_error(kind: str, message: str, traceback: str = "", cell: int | None = None,
               **extra: Any) -> dict[str, Any]:
    """The one shape of a step's error, in records, events and views."""
    return {"type": kind, "message": message, "cell": cell, "traceback": traceback, **extra}


def exception_error(err: BaseException, message: str | None = None) -> dict[str, Any]:
    return step_error(type(err).__name__, message if message is not None else str(err) or repr(err))


def timeout_message(seconds: float | None) -> str:
    return f"the step ran longer than its timeout of {seconds} s and was stopped"


def tail(text: str, lines: int = TRACEBACK_TAIL) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
