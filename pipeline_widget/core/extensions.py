"""Extensions: what other tools keep on a pipeline or a step (Elyra's runtime images,
resources, volumes, node ids, positions and comments; Ploomber's products), by namespace:
`{"elyra": {...}, "ploomber": {...}}`. The file keeps them as written, a designer's edits
carry them along and exports read them back; the runner never reads them, so nothing in
them changes what a step does or whether it is reused."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from .errors import PipelineError

NAMESPACE_RULE = r"[A-Za-z_][A-Za-z0-9_.-]*"
_NAMESPACE = re.compile(rf"^{NAMESPACE_RULE}$")

Extensions = dict[str, dict[str, Any]]


def check_extensions(value: Any, where: str) -> Extensions:
    """A copy of `value` when it is a namespaced mapping of JSON objects; PipelineError
    naming what is wrong otherwise. None is no extensions."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PipelineError(f"{where}: extensions must map a namespace (e.g. 'elyra') to an "
                            f"object, not {type(value).__name__}")
    for namespace, content in value.items():
        if not isinstance(namespace, str) or not _NAMESPACE.match(namespace):
            raise PipelineError(f"{where}: extension namespace {namespace!r} is not a name "
                                f"({NAMESPACE_RULE}); use the tool's name, e.g. 'elyra'")
        if not isinstance(content, dict):
            raise PipelineError(f"{where}: extensions[{namespace!r}] must be an object, not "
                                f"{type(content).__name__}")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise PipelineError(f"{where}: extensions must hold JSON values only ({err})") from None
    return copy.deepcopy(value)
