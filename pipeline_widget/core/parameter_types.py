"""The parameter type rule: which values a parameter may hold and which types a notebook's
parameters cell may declare. Defined here once; steps, pipeline parameters, the
runner's checks and the designer's fields all use it."""
from __future__ import annotations

import ast
from typing import Any

from .errors import PipelineError

# What a saved pipeline can hold (JSON values).
PARAMETER_TYPES: tuple[type, ...] = (str, int, float, bool, type(None), list, dict)
ALLOWED = "str, int, float, bool, None, list or dict"

# A type name a parameters cell declares -> the Python types a value for it may have.
DECLARED_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,), "float": (int, float), "str": (str,), "bool": (bool,),
    "list": (list,), "dict": (dict,),
}


def literal(text: str) -> Any:
    """The value a parameter's text stands for (a Python literal), else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def from_text(text: str, like: Any = None) -> Any:
    """A value typed as text (a command line's NAME=VALUE): JSON when it reads as JSON (3,
    0.5, true, [1, 2], "quoted"), else the text itself. For a parameter whose value is a
    str (`like`), unquoted text stays text: version=2024 means "2024", not 2024."""
    from .jsonfiles import loads

    if isinstance(like, str) and not text.lstrip().startswith('"'):
        return text
    try:
        return loads(text)
    except ValueError:
        return text


def type_of(default: Any) -> str:
    """The declared type a default value implies ("" when it says nothing, as None does)."""
    name = type(default).__name__
    return name if default is not None and name in DECLARED_TYPES else ""


def is_parameter_value(value: Any) -> bool:
    return isinstance(value, PARAMETER_TYPES)


def fits(value: Any, type_name: str | None) -> bool:
    """Whether `value` may be given for a parameter declared as `type_name` (None: any)."""
    allowed = DECLARED_TYPES.get(type_name or "")
    if allowed is None or value is None:
        return True
    if isinstance(value, bool):
        return bool in allowed
    return isinstance(value, allowed)


def check_value(value: Any, what: str) -> Any:
    if not is_parameter_value(value):
        raise PipelineError(f"{what} has a value of type {type(value).__name__}, which cannot "
                            f"be saved; use {ALLOWED}")
    return value


def check_parameters(step_name: str, parameters: dict | None) -> dict:
    """Step parameters as saved: identifier keys, JSON-able values or PipelineParameters."""
    from .names import check_identifier
    from .pipeline_data import PipelineParameter

    parameters = dict(parameters or {})
    for key, value in parameters.items():
        check_identifier(key, f"step {step_name!r}: parameter")
        if not isinstance(value, PipelineParameter):
            check_value(value, f"step {step_name!r}: parameter {key!r}")
    return parameters
