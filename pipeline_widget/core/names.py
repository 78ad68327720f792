"""Name rules: what a PipelineData, parameter, step or experiment may be called.

A PipelineData or parameter name becomes a variable in a notebook, so it must
be a Python identifier; a PipelineData name also becomes a folder name, so it must
fit the file system's limit. A step name is free text for people (spaces allowed)
but never becomes a path as it is: `step_slug` makes the folder-safe form.
"""
from __future__ import annotations

import builtins
import hashlib
import keyword
import os
import re
from pathlib import Path

from .errors import PipelineError
from .printable import has_unsafe, printable, without_invisible

IDENTIFIER_RULE = "[A-Za-z_][A-Za-z0-9_]*"
_IDENTIFIER = re.compile(rf"^{IDENTIFIER_RULE}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STEP_NAME_MAX = 100
NAME_MAX = 255  # bytes of one file or folder name, where the file system does not say


def identifier_problem(name: object, what: str) -> str | None:
    """Why `name` cannot be the name of a `what`, or None when it can."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        return (f"{what} name {name!r} is not allowed: it becomes a notebook variable, "
                f"so it must match {IDENTIFIER_RULE} (letters, digits and _, not starting "
                f"with a digit), e.g. {suggest_identifier(name)!r}")
    if keyword.iskeyword(name):
        return (f"{what} name {name!r} is a Python keyword; choose another name, "
                f"e.g. {name + '_data'!r}")
    return None


def shadows_builtin(name: str) -> bool:
    """Whether a notebook variable of this name hides a Python builtin (print, list...)."""
    return name in _BUILTINS


_BUILTINS = frozenset(dir(builtins)) | {"__builtins__"}


def check_identifier(name: object, what: str) -> str:
    problem = identifier_problem(name, what)
    if problem:
        raise PipelineError(problem)
    return name  # type: ignore[return-value]


def suggest_identifier(name: object) -> str:
    text = re.sub(r"[^A-Za-z0-9_]+", "_", str(name)).strip("_") or "data"
    return f"_{text}" if text[0].isdigit() else text


def name_max(folder: str | os.PathLike) -> int:
    """The longest file or folder name, in bytes, that the file system of `folder` (or of
    its nearest existing parent: it may not be made yet) takes."""
    path = Path(folder).absolute()
    for where in (path, *path.parents):
        try:
            limit = os.pathconf(where, "PC_NAME_MAX")
        except (OSError, ValueError, AttributeError):   # not there (yet), or not POSIX
            continue
        return limit if limit > 0 else NAME_MAX
    return NAME_MAX


def folder_name_problem(name: str, what: str, limit: int) -> str | None:
    """Why `name`, which becomes a folder's name, is too long for a file system that takes
    names of `limit` bytes; None when it fits."""
    size = len(name.encode())
    if size <= limit:
        return None
    return (f"{what} name {name[:20]!r}... is {size} bytes long, but it becomes a folder name "
            f"and the file system takes names of at most {limit} bytes; shorten it")


def step_name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "a step needs a non-empty name, e.g. 'prepare data'"
    if len(name) > STEP_NAME_MAX:
        return f"step name {name[:20]!r}... is longer than {STEP_NAME_MAX} characters; shorten it"
    if "/" in name or "\\" in name or ".." in name or _CONTROL.search(name):
        return (f"step name {name!r} is not allowed: it must not contain '/', '\\', '..' "
                f"or control characters (spaces are fine), e.g. {slug(name)!r}")
    if has_unsafe(name):
        visible = printable(name)
        return (f"step name '{visible}' is not allowed: it holds invisible or "
                f"direction-changing characters, so it could pass for another name; "
                f"type it again, e.g. {printable(without_invisible(name))!r}")
    return None


def check_step_name(name: object) -> str:
    problem = step_name_problem(name)
    if problem:
        raise PipelineError(problem)
    return name  # type: ignore[return-value]


def slug(text: str) -> str:
    """A folder-safe form: never starting with '-' (a shell would read an option)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_-")[:40] or "step"


def experiment_name_for(pipeline_name: str) -> str:
    """The experiment a pipeline's runs go to unless one is given: always a valid name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", pipeline_name).strip("_.-")[:64] or "experiment"


def step_slug(name: str) -> str:
    """A folder name for a step: readable, and distinct for distinct names; at most 53
    ASCII characters whatever the name, so it always fits a file system's name limit."""
    digest = hashlib.sha1(name.encode()).hexdigest()[:12]
    return f"{slug(name)}-{digest}"


def check_experiment_name(name: object) -> str:
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", name) \
            or ".." in name:
        raise PipelineError(
            f"experiment name {name!r} is not allowed: use 1-64 letters, digits, '_', '-' or '.', "
            f"starting with a letter or digit, e.g. {experiment_name_for(str(name))!r}")
    return name
