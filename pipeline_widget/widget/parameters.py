"""A notebook's parameters (papermill's inspect_notebook) and type-checked values typed by a person."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core import PipelineError

TYPES = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "dict": dict}


@dataclass(frozen=True)
class NotebookParameter:
    name: str
    type_name: str   # int, float, bool, str, list, dict or "" when any value goes
    default: Any
    help: str


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


@lru_cache(maxsize=256)
def _inspect(path: str, mtime: float) -> tuple[NotebookParameter, ...]:
    import papermill

    try:
        found = papermill.inspect_notebook(path)
    except Exception as err:  # a notebook papermill cannot read: no fields, validate() says why
        raise PipelineError(f"cannot read the parameters of {Path(path).name}: {err}") from None
    params = []
    for name, info in found.items():
        default = _literal(info.get("default") or "None")
        declared = (info.get("inferred_type_name") or "").strip()
        type_name = declared if declared in TYPES else (
            type(default).__name__ if type(default).__name__ in TYPES else "")
        params.append(NotebookParameter(name, type_name, default, info.get("help") or ""))
    return tuple(params)


def notebook_parameters(path: str | Path) -> list[NotebookParameter]:
    """The parameters cell of a notebook, read again only when the file changes."""
    p = Path(path)
    return list(_inspect(str(p), p.stat().st_mtime))


def parse(text: str, type_name: str, what: str) -> Any:
    """The value of `text` as a `type_name`; PipelineError naming `what` when it is not one."""
    text = text.strip()
    if type_name == "str":
        value = _literal(text)
        return value if isinstance(value, str) else text
    value = _literal(text)
    if type_name == "":
        return value
    if type_name == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type_name == "bool" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    wanted = TYPES[type_name]
    if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
        raise PipelineError(f"{what} expects {'an' if type_name == 'int' else 'a'} {type_name}, "
                            f"not {text!r}; type e.g. {_example(type_name)}")
    return value


def _example(type_name: str) -> str:
    return {"int": "3", "float": "0.5", "bool": "True", "list": "[1, 2]",
            "dict": "{'a': 1}"}.get(type_name, "'text'")


def show(value: Any) -> str:
    """How a value is written in a field: the Python literal, strings without quotes."""
    return value if isinstance(value, str) else repr(value)
