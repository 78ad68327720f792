"""The one event stream of status changes that every view subscribes to."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .status import Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusEvent:
    """A status change of one step (`step` set) or of the whole run (`step` None)."""

    run_id: str
    step: str | None
    status: Status
    time: float = field(default_factory=time.time)
    is_reused: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def display_status(self) -> str:
        """The status a person sees: Finished steps that were reused show as Reused."""
        return "Reused" if self.is_reused and self.status == Status.FINISHED else self.status.value


Subscriber = Callable[[StatusEvent], None]


class EventBus:
    """Synchronous fan-out to subscribers; a failing subscriber never stops the run."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.RLock()
        self.history: list[StatusEvent] = []

    def subscribe(self, fn: Subscriber, replay: bool = False) -> Callable[[], None]:
        """Add `fn`; with `replay`, first deliver the events already published."""
        with self._lock:
            if replay:
                for event in list(self.history):
                    self._deliver(fn, event)
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)
        return unsubscribe

    def publish(self, event: StatusEvent) -> None:
        with self._lock:
            self.history.append(event)
            for fn in list(self._subscribers):
                self._deliver(fn, event)

    @staticmethod
    def _deliver(fn: Subscriber, event: StatusEvent) -> None:
        try:
            fn(event)
        except Exception:  # a view's bug must not break the run
            log.exception("status subscriber %r failed", fn)
