"""What can be wrong with a pipeline, found without running it: one small check per
problem code, run in order by `validate`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import graph
from .dataset import DatasetConsumptionConfig, special_file
from .names import folder_name_problem, name_max, shadows_builtin
from .pipeline_data import PipelineData, PipelineParameter
from .steps import Step


@dataclass(frozen=True)
class Problem:
    """One problem; `steps` and `data` name what a view should mark. A warning is shown
    but does not stop a run (the pipeline runs, perhaps not as meant)."""

    code: str
    message: str
    steps: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    warning: bool = False

    def __str__(self) -> str:
        return f"warning: {self.message}" if self.warning else self.message


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]


Check = Callable[[list[Step]], Iterator[Problem]]


def _is(check: Callable[[Path], bool], path: Path) -> bool:
    """`check(path)` (Path.is_file, Path.exists), False for a path the system cannot even
    look up (too long, a NUL byte): a file's paths are the user's input."""
    try:
        return check(path)
    except (OSError, ValueError):
        return False


def duplicate_step(steps: list[Step]) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for s in steps:
        seen[s.name] = seen.get(s.name, 0) + 1
    for name, count in seen.items():
        if count > 1:
            yield Problem("duplicate_step", f"{count} steps are named {name!r}; give each step "
                          f"its own name", (name,))


def duplicate_data(steps: list[Step]) -> Iterator[Problem]:
    by_name: dict[str, list[PipelineData]] = {}
    for d in graph.all_data(steps):
        by_name.setdefault(d.name, []).append(d)
    for name, same in by_name.items():
        if len(same) > 1:
            yield Problem("duplicate_data", f"{len(same)} different PipelineData are named "
                          f"{name!r}; use one PipelineData object for the link or rename one",
                          data=(name,))


def unproduced_data(steps: list[Step]) -> Iterator[Problem]:
    writers = graph.producers(steps)
    readers_of: dict[int, list[str]] = {}
    for s in steps:
        for i in dict.fromkeys(id(i) for i in s.input_data):
            readers_of.setdefault(i, []).append(s.name)
    for d in graph.all_data(steps):
        readers = tuple(readers_of.get(id(d), ()))
        if readers and not writers.get(id(d)):
            yield Problem("unproduced_data", f"PipelineData {d.name!r} is read by "
                          f"{', '.join(map(repr, readers))} but no step writes it; add it to the "
                          f"outputs of the step that produces it", readers, (d.name,))


def long_name(steps: list[Step]) -> Iterator[Problem]:
    writers = graph.producers(steps)
    limits: dict[Path, int] = {}
    for d in graph.all_data(steps):
        folder = _data_folder(d)
        if folder not in limits:   # one file system question per folder, not per data
            limits[folder] = name_max(folder)
        limit = limits[folder]
        problem = folder_name_problem(d.name, "PipelineData", limit)
        if problem:
            yield Problem("long_name", problem, tuple(s.name for s in writers.get(id(d), [])),
                          (d.name,))


def _data_folder(data: PipelineData) -> Path:
    """Where a PipelineData's folders are made: its datastore's folder; for the workspace's
    default datastore (and a remote one, staged here), the current folder, from which the
    workspace is found."""
    store = data.datastore
    return store.local_root if store is not None and store.is_local else Path.cwd()


def two_producers(steps: list[Step]) -> Iterator[Problem]:
    writers = graph.producers(steps)
    for d in graph.all_data(steps):
        ws = writers.get(id(d), [])
        if len(ws) > 1:
            names = tuple(s.name for s in ws)
            yield Problem("two_producers", f"PipelineData {d.name!r} is written by "
                          f"{' and '.join(map(repr, names))}; each PipelineData must have one "
                          f"producer, so give each step its own output", names, (d.name,))


def parameter_conflict(steps: list[Step]) -> Iterator[Problem]:
    params: dict[str, PipelineParameter] = {}
    for s in steps:
        for p in s.pipeline_parameters():
            if p.name in params and params[p.name] != p:
                yield Problem("parameter_conflict", f"two PipelineParameters are named "
                              f"{p.name!r} with different defaults; use one object", (s.name,))
            params.setdefault(p.name, p)


def self_loop(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        for d in s.input_data:
            if any(o is d for o in s.outputs):
                yield Problem("self_loop", f"step {s.name!r} both reads and writes PipelineData "
                              f"{d.name!r}; write a new PipelineData instead", (s.name,), (d.name,))


def duplicate_input(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        names = [i.name for i in s.inputs] + [o.name for o in s.outputs]
        for n in sorted({n for n in names if names.count(n) > 1}):
            yield Problem("duplicate_input", f"step {s.name!r} has two inputs or outputs named "
                          f"{n!r}; each becomes a variable, so names must differ", (s.name,))


def parameter_clash(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        for name in s.clashing_parameters():
            yield Problem("parameter_clash", f"step {s.name!r}: parameter {name!r} is also the "
                          f"name of one of its inputs or outputs, and both would be the same "
                          f"notebook variable; rename the parameter or the PipelineData",
                          (s.name,), (name,))


def builtin_data_name(steps: list[Step]) -> Iterator[Problem]:
    users: dict[str, list[str]] = {}
    for s in steps:
        if s.takes_parameters:
            for d in dict.fromkeys([*s.input_data, *s.outputs]):
                if shadows_builtin(d.name):
                    users.setdefault(d.name, []).append(s.name)
    for name, found in users.items():
        where = "notebook step" if len(found) == 1 else "notebook steps"
        yield Problem("builtin_data_name", f"PipelineData {name!r} becomes a variable in "
                      f"{where} {', '.join(map(repr, found))} and hides Python's own {name!r} "
                      f"there; rename it, e.g. {name.strip('_') + '_data'!r}",
                      tuple(found), (name,), warning=True)


def argument_not_declared(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        declared = [*s.inputs, *s.outputs]
        for arg in s.passed_references():
            if isinstance(arg, PipelineData) and not any(arg is x for x in declared):
                yield Problem("argument_not_declared", f"step {s.name!r} passes PipelineData "
                              f"{arg.name!r} in its arguments but it is not in its inputs or "
                              f"outputs; add it to inputs (if read) or outputs (if written)",
                              (s.name,), (arg.name,))
            if isinstance(arg, DatasetConsumptionConfig) and arg not in s.inputs:
                yield Problem("argument_not_declared", f"step {s.name!r} passes dataset input "
                              f"{arg.name!r} in its arguments but not in its inputs; add it to "
                              f"inputs", (s.name,))


def missing_source(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        problem = s.source_problem()
        if problem:
            yield Problem("missing_source", f"step {s.name!r}: {problem}", (s.name,))


def bad_notebook(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        why = s.content_problem() if s.source_problem() is None else None
        if why:
            yield Problem("bad_notebook", f"step {s.name!r}: {s.source.name} {why}", (s.name,))


def missing_dataset(steps: list[Step]) -> Iterator[Problem]:
    for s in steps:
        for ds in s.named_datasets:
            if not _is(Path.exists, Path(ds.dataset.path)):
                yield Problem("missing_dataset", f"step {s.name!r}: dataset input {ds.name!r} "
                              f"points to {ds.dataset.path}, which does not exist; create the "
                              f"data or fix the path", (s.name,))


def special_dataset(steps: list[Step]) -> Iterator[Problem]:
    found: dict[str, tuple[str, str] | None] = {}
    for s in steps:
        for ds in s.named_datasets:
            path = ds.dataset.path
            if path not in found:
                found[path] = special_file(path)
            special = found[path]
            if special:
                file, kind = special
                yield Problem("special_dataset", f"step {s.name!r}: dataset input {ds.name!r}: "
                              f"{file} is {kind}, which a run would wait on or read without end; "
                              f"datasets must be regular files or folders of them: point the "
                              f"dataset at the data itself, or remove {file}", (s.name,))


def cycle(steps: list[Step]) -> Iterator[Problem]:
    found = graph.find_cycle(steps)
    if found:
        yield Problem("cycle", f"the steps form a cycle: {' -> '.join(map(repr, found))}; a step "
                      f"cannot (even indirectly) read its own output", tuple(dict.fromkeys(found)))


CHECKS: tuple[Check, ...] = (duplicate_step, duplicate_data, long_name, unproduced_data,
                             two_producers, parameter_conflict, self_loop, duplicate_input,
                             parameter_clash, builtin_data_name, argument_not_declared,
                             missing_source, bad_notebook, missing_dataset, special_dataset, cycle)


def validate(steps: list[Step]) -> list[Problem]:
    if not steps:
        return [Problem("empty", "the pipeline has no steps; add at least one step")]
    return [problem for check in CHECKS for problem in check(steps)]
