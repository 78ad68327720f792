"""Values typed by a person into a parameter field, checked against the declared type."""
from __future__ import annotations

from typing import Any

from ..core import PipelineError
from ..core.parameter_types import DECLARED_TYPES, literal


def parse(text: str, type_name: str, what: str) -> Any:
    """The value of `text` as a `type_name`; PipelineError naming `what` when it is not one."""
    text = text.strip()
    value = literal(text)
    if type_name == "str":
        return value if isinstance(value, str) else text
    if type_name == "":
        return value
    if type_name == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type_name == "bool" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    wanted = DECLARED_TYPES[type_name]
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        raise PipelineError(f"{what} expects {'an' if type_name == 'int' else 'a'} {type_name}, "
                            f"not {text!r}; type e.g. {_example(type_name)}")
    return value


def _example(type_name: str) -> str:
    return {"int": "3", "float": "0.5", "bool": "True", "list": "[1, 2]",
            "dict": "{'a': 1}"}.get(type_name, "'text'")


def show(value: Any) -> str:
    """How a value is written in a field: the Python literal, strings without quotes."""
    return value if isinstance(value, str) else repr(value)
