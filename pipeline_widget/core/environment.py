"""A step's environment variables: values written as they are, or `${NAME}` references to
the runner's environment, resolved when a run is planned.

A reference's value is a secret as far as the project is concerned: the pipeline file
keeps the reference, records and fingerprints keep a digest of it, views show `***`.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping

from .errors import PipelineError

NAME_RULE = "[A-Za-z_][A-Za-z0-9_]*"
_NAME = re.compile(rf"^{NAME_RULE}$")
_REFERENCE = re.compile(rf"^\$\{{({NAME_RULE})\}}$")
HIDDEN = "***"


def reference(value: str) -> str | None:
    """The runner variable `value` refers to (`${NAME}`), or None for a plain value."""
    found = _REFERENCE.match(value)
    return found.group(1) if found else None


def check_environment(step: str, environment: Any) -> dict[str, str]:
    """The one rule for a step's `environment`: variable names, string values."""
    if environment is None:
        return {}
    if not isinstance(environment, Mapping):
        raise PipelineError(f"step {step!r}: environment must map variable names to values, "
                            f"e.g. {{'MODE': 'fast', 'TOKEN': '${{API_TOKEN}}'}}")
    checked: dict[str, str] = {}
    for name, value in environment.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise PipelineError(f"step {step!r}: environment variable name {name!r} is not "
                                f"allowed; use letters, digits and _ ({NAME_RULE})")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise PipelineError(f"step {step!r}: environment variable {name} must be text, "
                                f"not {type(value).__name__}; write '${{NAME}}' to pass a "
                                f"variable of the runner's environment")
        checked[name] = str(value)
    return checked


def resolve(step: str, environment: Mapping[str, str],
            source: Mapping[str, str]) -> dict[str, str]:
    """The values a step's process gets; a reference the runner's environment lacks is
    bad input, named."""
    resolved: dict[str, str] = {}
    for name, value in environment.items():
        ref = reference(value)
        if ref is None:
            resolved[name] = value
        elif ref in source:
            resolved[name] = source[ref]
        else:
            raise PipelineError(f"step {step!r}: environment variable {name} refers to "
                                f"${{{ref}}}, which is not set; set {ref} in the environment "
                                f"that runs the pipeline, or give {name} a value")
    return resolved


def identity(environment: Mapping[str, str], resolved: Mapping[str, str]) -> dict[str, Any]:
    """What of the environment decides a result: plain values, and a digest of each
    referenced value (never the value)."""
    return {name: value if reference(value) is None else
            {"ref": reference(value),
             "digest": hashlib.sha256(resolved.get(name, "").encode()).hexdigest()}
            for name, value in sorted(environment.items())}


def shown(environment: Mapping[str, str]) -> dict[str, str]:
    """For views and records: plain values as they are, references as written."""
    return dict(environment)


def masked(text: str, resolved: Mapping[str, str], environment: Mapping[str, str]) -> str:
    """`text` with every referenced (secret) value replaced by ***."""
    for name, value in resolved.items():
        if reference(environment.get(name, "")) is not None and len(value) >= 3:
            text = text.replace(value, HIDDEN)
    return text
