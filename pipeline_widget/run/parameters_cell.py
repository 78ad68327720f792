"""A notebook's parameters cell: what it declares (papermill's inspection, read once per
version of the file), and the check of a step's values against it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import PipelineError
from ..core.parameter_types import DECLARED_TYPES, fits, literal, type_of
from ..core.pipeline import PipelineModel
from .plan.model import RunPlan


@dataclass(frozen=True)
class NotebookParameter:
    """One line of a parameters cell."""

    name: str
    type_name: str   # a key of DECLARED_TYPES, or "" when the cell does not say
    default: Any     # the literal default (its text when it is not a literal)
    default_text: str
    help: str


def _declared_type(annotation: str, default: Any) -> str:
    """The type a line declares: its annotation (`n: int = 3`), else the type of its literal
    default (`alpha = 0.1` is a float); "" when neither says (`x = None`)."""
    annotation = annotation.strip()
    return annotation if annotation in DECLARED_TYPES else type_of(default)


@lru_cache(maxsize=256)
def _inspect(path: str, mtime_ns: int) -> tuple[NotebookParameter, ...]:
    import papermill

    try:
        found = papermill.inspect_notebook(path)
    except Exception as err:  # a notebook papermill cannot read: validate() says why
        raise PipelineError(f"cannot read the parameters of {Path(path).name}: {err}") from None
    params = []
    for name, info in found.items():
        text = str(info.get("default") or "None")
        default = literal(text)
        params.append(NotebookParameter(name, _declared_type(str(info.get("inferred_type_name")
                                                                 or ""), default),
                                        default, text, info.get("help") or ""))
    return tuple(params)


def notebook_parameters(path: str | Path) -> list[NotebookParameter]:
    """The parameters cell of a notebook ([] when it has none)."""
    p = Path(path)
    return list(_inspect(str(p), p.stat().st_mtime_ns))


def check_notebook_parameters(pipeline: PipelineModel, plan: RunPlan) -> None:
    """Refuse a value whose type does not fit the parameters cell; note what is odd."""
    problems = []
    for step in pipeline.steps:
        sp = plan.steps[step.name]
        if not step.takes_parameters or sp.reused:
            continue
        declared = {p.name: p for p in notebook_parameters(step.source)}
        if not declared:
            sp.notes.append(f"notebook {step.source.name} has no cell tagged 'parameters'; "
                            f"the values are injected in a new cell at the top")
            continue
        for key in getattr(step, "parameters", {}):
            value = sp.parameters[key]
            info = declared.get(key)
            if info is None:
                sp.notes.append(f"parameter {key!r} is not in the parameters cell of "
                                f"{step.source.name}; it is injected all the same")
            elif not fits(value, info.type_name):
                problems.append(f"step {step.name!r}: parameter {key!r} is {value!r} "
                                f"({type(value).__name__}) but the notebook's parameters cell "
                                f"declares {info.type_name} (default {info.default_text}); "
                                f"give a {info.type_name}")
    if problems:
        raise PipelineError("\n".join(problems))
