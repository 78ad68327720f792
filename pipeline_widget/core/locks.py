"""Locks between processes, for read-modify-write of shared workspace files."""
from __future__ import annotations

from pathlib import Path


def lock(path: Path | str):
    """An inter-process lock on `path` (a `.lock` file beside it), for read-modify-write."""
    from filelock import FileLock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock")
