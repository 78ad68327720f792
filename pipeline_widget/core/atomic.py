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


def write_text(path: Path | str, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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
