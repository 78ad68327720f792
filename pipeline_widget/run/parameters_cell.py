"""A notebook's parameters cell: what it declares (papermill's inspection, read once per
version of the file), and the check of a step's values against it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection

from ..core.errors import PipelineError
from ..core.parameter_types import DECLARED_TYPES, fits, literal, type_of
from ..core.pipeline import PipelineModel
from ..core.pipeline_data import PipelineParameter
from ..core.validation import Problem
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


def type_problems(pipeline: PipelineModel, values: dict[str, Any],
                  skip: Collection[str] = ()) -> list[Problem]:
    """Values that do not fit the parameters cells (errors), and PipelineData that would
    replace a typed notebook parameter with a folder path (warnings). `values` are the
    pipeline parameters' values; steps in `skip` (reused) are not checked."""
    problems = []
    data_names = {d.name for d in pipeline.data}
    for step in pipeline.steps:
        if not step.takes_parameters or step.name in skip or step.source_problem():
            continue
        try:
            declared = {p.name: p for p in notebook_parameters(step.source)}
        except (PipelineError, OSError):
            continue  # validate() reports the unreadable notebook
        problems += _cell_warnings(step, declared, data_names)
        for key, given in getattr(step, "parameters", {}).items():
            value = values.get(given.name) if isinstance(given, PipelineParameter) else given
            info = declared.get(key)
            if info is not None and not fits(value, info.type_name):
                problems.append(Problem(
                    "parameter_type", f"step {step.name!r}: parameter {key!r} is {value!r} "
                    f"({type(value).__name__}) but the notebook's parameters cell declares "
                    f"{info.type_name} (default {info.default_text}); give a {info.type_name}",
                    (step.name,)))
        for data in dict.fromkeys([*step.input_data, *step.outputs]):
            info = declared.get(data.name)
            if info is not None and info.type_name not in ("", "str"):
                problems.append(Problem(
                    "data_replaces_parameter", f"PipelineData {data.name!r} replaces the "
                    f"parameter {info.name} = {info.default_text} ({info.type_name}) of "
                    f"{step.source.name} with a folder path (str); rename the PipelineData, "
                    f"e.g. {data.name + '_dir'!r}, or the notebook's parameter",
                    (step.name,), (data.name,), warning=True))
    return problems


def _cell_warnings(step: Any, declared: dict[str, NotebookParameter],
                   data_names: set[str]) -> list[Problem]:
    """Likely mistakes a run would not stop at: no parameters cell (the values land in a
    new cell, and the notebook's own defaults are not visible), and a parameter named like
    a PipelineData of the pipeline that this step does not read or write."""
    if not declared:
        return [Problem("no_parameters_cell", f"notebook {step.source.name} of step "
                        f"{step.name!r} has no cell tagged 'parameters': its inputs and values "
                        f"are injected in a new cell at the top. Add the tag to the cell that sets "
                        f"the defaults (JupyterLab: select it, open the property inspector, add "
                        f"the tag 'parameters')", (step.name,), warning=True)]
    linked = {d.name for d in [*step.input_data, *step.outputs]}
    return [Problem("unlinked_parameter", f"step {step.name!r}: its notebook's parameter "
                    f"{name!r} has the name of PipelineData {name!r} of the pipeline, but the "
                    f"step neither reads nor writes it, so the notebook uses its default "
                    f"{declared[name].default_text}; link it (Connect from its producer, or "
                    f"give the step an output of its own) or rename the parameter",
                    (step.name,), (name,), warning=True)
            for name in sorted(declared) if name in data_names and name not in linked]


def note_unusual_cells(pipeline: PipelineModel, plan: RunPlan) -> None:
    """Tell the user (in the steps' notes) what the parameters cells make odd."""
    for step in pipeline.steps:
        sp = plan.steps[step.name]
        if not step.takes_parameters or sp.reused:
            continue
        declared = {p.name for p in notebook_parameters(step.source)}
        if not declared:
            continue   # the no_parameters_cell warning says so
        for key in getattr(step, "parameters", {}):
            if key not in declared:
                sp.notes.append(f"parameter {key!r} is not in the parameters cell of "
                                f"{step.source.name}; it is injected all the same")
