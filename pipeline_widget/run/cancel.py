"""A cancel signal that running steps hook their own stop actions into."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks = list(self._callbacks)
        for fn in callbacks:
            try:
                fn()
            except Exception:
                pass

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    @contextmanager
    def on_cancel(self, fn: Callable[[], None]) -> Iterator[None]:
        """Call `fn` if the token is canceled while inside the block (or already was)."""
        with self._lock:
            self._callbacks.append(fn)
            already = self._event.is_set()
        if already:
            fn()
        try:
            yield
        finally:
            with self._lock:
                self._callbacks.remove(fn)
