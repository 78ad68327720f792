"""Warm kernels shared by the designers of a workspace, so that their number is bounded per
workspace, not per designer.

Every designer of a process (the cells of a notebook, a cell run again, a document's tab)
takes a lease on the one WarmKernels of its workspace; the pool lives while a lease is held
and stops at once when the last is given back. Across processes (each designer document runs
in a kernel of its own), only the process holding the workspace's warm lock
(`warm.lock` in the workspace's kernels folder) keeps warm kernels; the runs of the others start their
kernels as a run without a designer does. So a workspace has `size` warm kernels however many
designers are open.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from filelock import FileLock, Timeout

Factory = Callable[..., Any]   # WarmKernels(size, idle_timeout, connection_dir=...)


class WarmShare:
    """The warm kernels of one workspace in this process, and who holds them."""

    def __init__(self, folder: Path, size: int, idle: float, factory: Factory) -> None:
        self.folder = folder   # the workspace's kernels folder (Workspace.kernels_dir)
        self.size, self.idle, self.factory = size, idle, factory
        self.leases: set[int] = set()
        self.pool: Any = None
        self._lock = FileLock(str(folder / "warm.lock"))
        self._mutex = threading.Lock()

    def current(self) -> Any:
        """The pool, if this process may keep the workspace's warm kernels (else None)."""
        with self._mutex:
            if self.pool is not None:
                return self.pool
            if not self.leases:
                return None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._lock.acquire(timeout=0)
            except (Timeout, OSError):
                return None   # another process keeps them
            self.pool = self.factory(self.size, self.idle,
                                     connection_dir=self.folder)
            return self.pool

    def release(self, lease: int) -> None:
        with self._mutex:
            self.leases.discard(lease)
            if self.leases or self.pool is None:
                return
            pool, self.pool = self.pool, None
        pool.shutdown()
        self._lock.release(force=True)


_shares: dict[Path, WarmShare] = {}
_registry_lock = threading.Lock()
_next_lease = iter(range(1, 1 << 62))


class WarmLease:
    """One designer's hold on its workspace's warm kernels."""

    def __init__(self, share: WarmShare) -> None:
        self._share = share
        with _registry_lock:
            self._id = next(_next_lease)
        share.leases.add(self._id)
        self._released = False

    @property
    def pool(self) -> Any:
        """The shared pool to give a run (None: its steps start their own kernels)."""
        return None if self._released else self._share.current()

    def want(self, kernel_name: str) -> None:
        pool = self.pool
        if pool is not None:
            pool.want(kernel_name)

    def ready(self) -> list[int]:
        pool = self.pool
        return pool.ready() if pool is not None else []

    def release(self) -> None:
        """Give the lease back; the last one stops the kernels at once."""
        if not self._released:
            self._released = True
            self._share.release(self._id)


def lease(kernels_dir: Path, size: int, idle: float, factory: Factory) -> WarmLease:
    """A lease on the warm kernels of the workspace whose kernels folder is `kernels_dir`
    (Workspace.kernels_dir); the first lease of a workspace in this process sets their
    number and idle time."""
    folder = Path(kernels_dir).absolute()
    with _registry_lock:
        share = _shares.get(folder)
        if share is None:
            share = _shares[folder] = WarmShare(folder, size, idle, factory)
    return WarmLease(share)
