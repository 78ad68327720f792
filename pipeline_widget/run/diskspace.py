"""A full disk, said as such: where a step or a record could not be written because its
file system has no space left, and what to do."""
from __future__ import annotations

import errno
import os

NEARLY_FULL = 64 * 1024   # bytes free below which a folder's file system counts as full


def full(path: str | os.PathLike) -> bool:
    """Whether the file system holding `path` (or its nearest existing parent) is full."""
    folder = os.fspath(path)
    while folder and not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < NEARLY_FULL


def no_space(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno == errno.ENOSPC


def message(path: str | os.PathLike, what: str) -> str:
    return (f"no space left on device: {what} could not be written in {os.fspath(path)}; free "
            f"some space there (or move the workspace), then run again")
