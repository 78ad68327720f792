"""The project's JSON files: one style for writing, and reads that say which file is damaged."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class TooDeep(ValueError):
    """JSON nested deeper than the parser's stack: damaged or hostile, never a pipeline."""


def loads(text: str | bytes) -> Any:
    """json.loads, where nesting too deep is a ValueError like any other bad JSON (not a
    RecursionError that would escape every handler for bad input)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep("it is nested too deeply to read (arrays or objects inside each other "
                      "thousands of levels deep)") from None


def dumps(data: Any) -> str:
    """The one JSON style of the project: stable keys, two-space indent, final newline."""
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n"


def read_json(path: Path | str, default: Any = None) -> Any:
    """The file's JSON, `default` if there is no file; a damaged file (edited by hand, or
    cut by a full disk) is a PipelineError that names it."""
    try:
        with open(path, encoding="utf-8") as f:
            return loads(f.read())
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
