"""The statuses of steps and runs: the one list every record, event and view uses."""
from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    NOT_STARTED = "NotStarted"
    QUEUED = "Queued"
    RUNNING = "Running"
    FINISHED = "Finished"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    CANCELED = "Canceled"
    NOT_SELECTED = "NotSelected"   # left out of a partial run (--only/--from/--to)

    def __str__(self) -> str:
        return self.value

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({Status.FINISHED, Status.FAILED, Status.SKIPPED, Status.CANCELED,
                      Status.NOT_SELECTED})
