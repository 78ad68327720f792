"""Writes that must never be seen half done: write a temporary file, then rename.

A rename is atomic, so a reader (or a runner killed with -9) sees the old file
or the new one, never a mix.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .jsonfiles import dumps

_UMASK = os.umask(0o022)   # read once, at import (reading it means setting it)
os.umask(_UMASK)


def _mode_for(path: Path) -> int:
    """The mode the file has, or the one a plain open() would give it: a temporary file is
    private (0600), the file it becomes must not be."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def write_text(path: Path | str, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_json(path: Path | str, data: Any) -> None:
    write_text(path, dumps(data))
