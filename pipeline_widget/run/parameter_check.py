"""Checking a notebook step's parameters against the notebook's parameters cell."""
from __future__ import annotations

import ast

from ..core.errors import PipelineError
from ..core.pipeline import Pipeline
from ..core.steps import NotebookStep
from .plan import RunPlan

# papermill's inferred type names -> the Python types a value may have
_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,), "float": (int, float), "str": (str,), "bool": (bool,),
    "list": (list,), "dict": (dict,), "tuple": (list,),
}


def notebook_parameters(path: str) -> dict[str, dict]:
    """name -> {inferred_type_name, default, help}, from the notebook's parameters cell."""
    import papermill

    return papermill.inspect_notebook(path)


def _declared_type(info: dict) -> str | None:
    """The type a parameters-cell line declares: its annotation (`n: int = 3`), else the type
    of its literal default (`alpha = 0.1` is a float); None when neither says (`x = None`)."""
    annotated = str(info.get("inferred_type_name"))
    if annotated != "None":
        return annotated
    try:
        default = ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    name = type(default).__name__
    return name if default is not None and name in _TYPES else None


def check_notebook_parameters(pipeline: Pipeline, plan: RunPlan) -> None:
    """Refuse a value whose type does not fit the default in the parameters cell."""
    problems = []
    for step in pipeline.steps:
        sp = plan.steps[step.name]
        if not isinstance(step, NotebookStep) or sp.reused:
            continue
        declared = notebook_parameters(str(step.notebook))
        if not declared:
            sp.notes.append(f"notebook {step.notebook.name} has no cell tagged 'parameters'; "
                            f"the values are injected in a new cell at the top")
            continue
        for key in step.parameters:
            value = sp.parameters[key]
            info = declared.get(key)
            if info is None:
                sp.notes.append(f"parameter {key!r} is not in the parameters cell of "
                                f"{step.notebook.name}; it is injected all the same")
                continue
            declared_type = _declared_type(info)
            allowed = _TYPES.get(declared_type or "")
            if allowed and value is not None and (not isinstance(value, allowed) or
                                                  (isinstance(value, bool) and bool not in allowed)):
                problems.append(f"step {step.name!r}: parameter {key!r} is {value!r} "
                                f"({type(value).__name__}) but the notebook's parameters cell "
                                f"declares {declared_type} (default "
                                f"{info.get('default')}); give a {declared_type}")
    if problems:
        raise PipelineError("\n".join(problems))
