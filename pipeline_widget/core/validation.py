"""What can be wrong with a pipeline, found without running it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import graph
from .dataset import DatasetConsumptionConfig
from .pipeline_data import PipelineData, PipelineParameter
from .steps import NotebookStep, PythonScriptStep, Step


@dataclass(frozen=True)
class Problem:
    """One problem; `steps` and `data` name what a view should mark."""

    code: str
    message: str
    steps: tuple[str, ...] = ()
    data: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


def _is(check, path: Path) -> bool:
    """`check(path)` (Path.is_file, Path.exists), False for a path the system cannot even
    look up (too long, a NUL byte): a file's paths are the user's input."""
    try:
        return check(path)
    except (OSError, ValueError):
        return False


def notebook_problem(path: Path) -> str | None:
    """Why `path` is not a usable notebook (a light nbformat 4 check), or None."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return f"is not a readable notebook ({type(err).__name__}: {err})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "is not a notebook (no list of cells)"
    if not isinstance(nb.get("nbformat"), int) or nb["nbformat"] < 4:
        return "is not in nbformat 4; open and save it in JupyterLab to upgrade it"
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source"), (str, list)):
            return f"is not valid nbformat: cell {i} has no cell_type or source"
    return None


def validate(steps: list[Step]) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    if not steps:
        add(Problem("empty", "the pipeline has no steps; add at least one step"))
        return problems

    seen: dict[str, int] = {}
    for s in steps:
        seen[s.name] = seen.get(s.name, 0) + 1
    for name, count in seen.items():
        if count > 1:
            add(Problem("duplicate_step", f"{count} steps are named {name!r}; give each step its "
                        f"own name", (name,)))

    datas = graph.all_data(steps)
    by_name: dict[str, list[PipelineData]] = {}
    for d in datas:
        by_name.setdefault(d.name, []).append(d)
    for name, same in by_name.items():
        if len(same) > 1:
            add(Problem("duplicate_data", f"{len(same)} different PipelineData are named {name!r}; "
                        f"use one PipelineData object for the link or rename one", data=(name,)))

    writers = graph.producers(steps)
    readers_of: dict[int, list[str]] = {}
    for s in steps:
        for i in dict.fromkeys(id(i) for i in s.input_data):
            readers_of.setdefault(i, []).append(s.name)
    for d in datas:
        ws = writers.get(id(d), [])
        readers = tuple(readers_of.get(id(d), ()))
        if not ws and readers:
            add(Problem("unproduced_data", f"PipelineData {d.name!r} is read by "
                        f"{', '.join(map(repr, readers))} but no step writes it; add it to the "
                        f"outputs of the step that produces it", readers, (d.name,)))
        if len(ws) > 1:
            names = tuple(s.name for s in ws)
            add(Problem("two_producers", f"PipelineData {d.name!r} is written by "
                        f"{' and '.join(map(repr, names))}; each PipelineData must have one "
                        f"producer, so give each step its own output", names, (d.name,)))

    params: dict[str, PipelineParameter] = {}
    for s in steps:
        for p in s.pipeline_parameters():
            if p.name in params and params[p.name] != p:
                add(Problem("parameter_conflict", f"two PipelineParameters are named {p.name!r} "
                            f"with different defaults; use one object", (s.name,)))
            params.setdefault(p.name, p)

    for s in steps:
        for d in s.input_data:
            if any(o is d for o in s.outputs):
                add(Problem("self_loop", f"step {s.name!r} both reads and writes PipelineData "
                            f"{d.name!r}; write a new PipelineData instead", (s.name,), (d.name,)))
        names = [i.name for i in s.inputs] + [o.name for o in s.outputs]
        for n in sorted({n for n in names if names.count(n) > 1}):
            add(Problem("duplicate_input", f"step {s.name!r} has two inputs or outputs named "
                        f"{n!r}; each becomes a variable, so names must differ", (s.name,)))
        if isinstance(s, PythonScriptStep):
            for arg in s.arguments:
                if isinstance(arg, PipelineData) and not any(arg is x for x in [*s.inputs, *s.outputs]):
                    add(Problem("argument_not_declared", f"step {s.name!r} passes PipelineData "
                                f"{arg.name!r} in its arguments but it is not in its inputs or "
                                f"outputs; add it to inputs (if read) or outputs (if written)",
                                (s.name,), (arg.name,)))
                if isinstance(arg, DatasetConsumptionConfig) and arg not in s.inputs:
                    add(Problem("argument_not_declared", f"step {s.name!r} passes dataset input "
                                f"{arg.name!r} in its arguments but not in its inputs; add it to "
                                f"inputs", (s.name,)))
            if not _is(Path.is_file, s.script_path):
                add(Problem("missing_source", f"step {s.name!r}: script {s.script_name!r} not found "
                            f"in {s.source_directory}; check script_name and source_directory",
                            (s.name,)))
        elif isinstance(s, NotebookStep):
            if not _is(Path.is_file, s.notebook):
                add(Problem("missing_source", f"step {s.name!r}: notebook {s.notebook} not found; "
                            f"check the path (relative paths are relative to the pipeline file)",
                            (s.name,)))
            else:
                why = notebook_problem(s.notebook)
                if why:
                    add(Problem("bad_notebook", f"step {s.name!r}: notebook {s.notebook.name} {why}",
                                (s.name,)))
        for ds in s.named_datasets:
            if not _is(Path.exists, Path(ds.dataset.path)):
                add(Problem("missing_dataset", f"step {s.name!r}: dataset input {ds.name!r} points "
                            f"to {ds.dataset.path}, which does not exist; create the data or fix "
                            f"the path", (s.name,)))

    cycle = graph.find_cycle(steps)
    if cycle:
        add(Problem("cycle", f"the steps form a cycle: {' -> '.join(map(repr, cycle))}; a step "
                    f"cannot (even indirectly) read its own output", tuple(dict.fromkeys(cycle))))
    return problems
