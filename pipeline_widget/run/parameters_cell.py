"""A notebook's parameters cell: what it declares (read once per version of the file), and the
check of a step's values against it.

The cell is read as papermill's `inspect_notebook` reads it (same names, types, defaults and
help), from the notebook's JSON: importing papermill (and nbformat, jsonschema) costs about
two seconds, which the designer would pay before it draws anything."""
from __future__ import annotations

import json
import re
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


# papermill's PythonTranslator.PARAMETER_PATTERN: `name[: type] = value  [# [type: T] help]`
_ASSIGNMENT = re.compile(
    r"^(?P<target>\w[\w_]*)\s*(:\s*[\"']?(?P<annotation>\w[\w_\[\],\s]*)[\"']?\s*)?=\s*"
    r"(?P<value>.*?)(\s*#\s*(type:\s*(?P<type_comment>[^\s]*)\s*)?(?P<help>.*))?$")
# The kernels and languages papermill has a translator for; only Python's reads a cell.
_PYTHON = ("python", "pysparkkernel")
_OTHER_LANGUAGES = ("R", "scala", "julia", "matlab", ".net-csharp", ".net-fsharp",
                    ".net-powershell", "sparkkernel", "sparkrkernel", "bash")


@dataclass(frozen=True)
class CellLine:
    """One assignment of a parameters cell, as papermill's inspection reports it."""

    name: str
    inferred_type_name: str   # the annotation or `# type:` comment; "None" when neither
    default: str              # the value's text
    help: str                 # the comment after the value


def _flatten(lines: list[str]) -> str:
    """A definition over several lines as one: comments dropped but on its last line."""
    flat = "".join(line[:line.index("#")].strip() if "#" in line else line.strip()
                   for line in lines[:-1])
    return flat + (lines[-1].strip() if lines else "")


def cell_assignments(source: str) -> list[CellLine]:
    """The assignments of a Python parameters cell. A definition runs from a line with one
    `=` to the next such line (multi-line lists and dicts); blank and comment lines are
    skipped, and lines with several `=` are left out, as papermill does."""
    groups: list[str] = []
    lines: list[str] = []
    for line in source.splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        equals = line.count("=")
        if equals:
            groups.append(_flatten(lines))
            lines = []
            if equals > 1:
                continue
        lines.append(line)
    groups.append(_flatten(lines))
    found = []
    for definition in groups:
        match = _ASSIGNMENT.match(definition) if definition else None
        if match is None:
            continue
        attr = match.groupdict()
        type_name = str(attr["annotation"] or attr["type_comment"] or None)
        found.append(CellLine(attr["target"].strip(), type_name.strip(),
                              str(attr["value"]).strip(), str(attr["help"] or "").strip()))
    return found


def _notebook_json(path: str) -> dict[str, Any]:
    """The notebook as nbformat 4 JSON (older formats are converted by nbformat)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise ValueError("not a notebook (no list of cells)")
    if data.get("nbformat", 4) < 4:
        import nbformat  # rare: notebooks older than 2015

        data = json.loads(nbformat.writes(nbformat.reads(json.dumps(data), as_version=4)))
    return data


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_parameters_cell(path: str) -> list[CellLine]:
    """What papermill's `inspect_notebook(path)` finds: the first cell tagged `parameters`,
    read by the translator of the notebook's kernel (Python's; other languages have none)."""
    nb = _notebook_json(path)
    cell = next((c for c in nb.get("cells", [])
                 if "parameters" in ((c.get("metadata") or {}).get("tags") or [])), None)
    if cell is None:
        return []
    meta = nb.get("metadata") or {}
    kernel = (meta.get("kernelspec") or {}).get("name")
    if not kernel:
        raise ValueError("No kernel name found in notebook and no override provided.")
    language = ((meta.get("language_info") or {}).get("name")
                or (meta.get("kernelspec") or {}).get("language"))
    if not language:
        raise ValueError("No language found in notebook and no override provided.")
    if kernel in _PYTHON or (kernel not in _OTHER_LANGUAGES and language in _PYTHON):
        return cell_assignments(_source(cell))
    if kernel in _OTHER_LANGUAGES or language in _OTHER_LANGUAGES:
        return []
    raise ValueError(f"No parameter translator functions specified for kernel '{kernel}' "
                     f"or language '{language}'")


@lru_cache(maxsize=256)
def _inspect(path: str, mtime_ns: int) -> tuple[NotebookParameter, ...]:
    try:
        found = read_parameters_cell(path)
    except Exception as err:  # a notebook that cannot be read: validate() says why
        raise PipelineError(f"cannot read the parameters of {Path(path).name}: {err}") from None
    params: dict[str, NotebookParameter] = {}
    for line in found:   # a name set twice: its first place, its last line (papermill's dict)
        text = line.default or "None"
        default = literal(text)
        params[line.name] = NotebookParameter(
            line.name, _declared_type(line.inferred_type_name, default), default, text,
            line.help)
    return tuple(params.values())


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
