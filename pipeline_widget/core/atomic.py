"""Writes that must never be seen half done: write a temporary file, then rename.

A rename is atomic, so a reader (or a runner killed with -9) sees the old file
or the new one, never a mix.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


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


def dumps(data: Any) -> str:
    """The one JSON style of the project: stable keys, two-space indent, final newline."""
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n"


def write_json(path: Path | str, data: Any) -> None:
    write_text(path, dumps(data))


def read_json(path: Path | str, default: Any = None) -> Any:
    """The file's JSON, `default` if there is no file; a damaged file (edited by hand, or
    cut by a full disk) is a PipelineError that names it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default
    except ValueError as err:
        from .errors import PipelineError

        raise PipelineError(f"{path} is damaged (not valid JSON: {err}); fix it, or remove "
                            f"it if it is a run record or cache entry you do not need") from None


def read_json_lenient(path: Path | str, default: Any = None) -> Any:
    """For files that only save work (reuse entries, file digests): a damaged one counts as
    absent and is written again."""
    try:
        return read_json(path, default)
    except Exception:
        return default


def lock(path: Path | str):
    """An inter-process lock on `path` (a `.lock` file beside it), for read-modify-write."""
    from filelock import FileLock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock")
