"""Data passed as files, as Elyra passes it: a step declares the files it writes in its
working folder; after it finishes they are gathered into one of its PipelineData, and
before a dependent starts they are placed, read-only, in that dependent's working folder
at the same relative paths, so the dependent's notebook opens them as it did under Elyra.

A step asks for this through one variable of its environment (kept in the file, so a
pipeline saved and loaded keeps it; in the fingerprint, so a change re-runs the step):

    PIPELINE_WIDGET_FILES = {"outputs": ["data/clean.csv", "plots/*.png"],
                             "into": "clean_files", "inputs": ["load_files"]}

`outputs`: paths or globs relative to the working folder, gathered into the output
PipelineData `into`; `inputs`: PipelineData whose files are placed in the working folder.
Such a step runs in a working copy of its folder (run/step/snapshot.py: links to the
folder's entries), where the placed files and the declared outputs are files of the copy
itself, never links: neither is ever written into the project's own folders, and the
project's files of those names are left as they are.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from ...core.containment import inside
from ...core.errors import PipelineError
from ..plan.model import StepPlan
from ..status import Status
from .outcome import StepError, StepOutcome
from .snapshot import working_copy

VARIABLE = "PIPELINE_WIDGET_FILES"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def declared(plan: StepPlan) -> dict[str, Any]:
    """The step's file passing ({} for none); a malformed value is bad input, named."""
    text = plan.environment.get(VARIABLE)
    if not text:
        return {}
    try:
        spec = json.loads(text)
    except ValueError:
        spec = None
    ok = (isinstance(spec, dict)
          and all(isinstance(x, str) for x in spec.get("outputs", []))
          and all(isinstance(x, str) for x in spec.get("inputs", []))
          and (not spec.get("outputs") or isinstance(spec.get("into"), str)))
    if not ok:
        raise PipelineError(f"step {plan.name!r}: {VARIABLE} must be JSON like "
                            f'{{"outputs": ["data.csv"], "into": "DATA", "inputs": ["DATA"]}}, '
                            f"not {text!r}; fix it in the step's environment")
    return spec


def place_inputs(plan: StepPlan) -> StepPlan:
    """Before the step starts: a working copy of its folder (the plan returned runs there)
    with the files of its file inputs placed in it and room for its declared outputs."""
    spec = declared(plan)
    if not spec.get("inputs") and not spec.get("outputs"):
        return plan
    if not plan.snapshot:
        plan = working_copy(plan)
    root = Path(plan.cwd)
    for pattern in spec.get("outputs", []):
        _check_relative(pattern, f"output file {pattern!r} of step {plan.name!r}")
        fixed = [p for p in Path(pattern).parts if not glob.has_magic(p)]
        if len(fixed) == len(Path(pattern).parts):   # a file: its own place too
            target = _unfolded(root, pattern, plan.name)
            if target.is_symlink():
                target.unlink()
        else:   # a glob: the folders before its first wildcard
            depth = next(i for i, p in enumerate(Path(pattern).parts) if glob.has_magic(p))
            if depth:
                _unfolded(root, "/".join([*Path(pattern).parts[:depth], "x"]), plan.name)
    for name in spec.get("inputs", []):
        folder = plan.inputs.get(name)
        if folder is None:
            raise PipelineError(f"step {plan.name!r}: {VARIABLE} names input {name!r}, which "
                                f"is not one of its PipelineData inputs; add it as an input")
        for source in _files(Path(folder)):
            relative = source.relative_to(folder).as_posix()
            target = _unfolded(root, relative, plan.name)
            if target.is_symlink() or target.exists():
                target.unlink()
            shutil.copyfile(source, target)
            os.chmod(target, READ_ONLY)
    return plan


def gather_outputs(plan: StepPlan, outcome: StepOutcome) -> None:
    """After the step finished: its declared files, copied into its output PipelineData; a
    declared file the step did not write fails it, naming the file."""
    spec = declared(plan)
    if outcome.status != Status.FINISHED or not spec.get("outputs"):
        return
    into = plan.outputs.get(spec["into"])
    if into is None:
        raise PipelineError(f"step {plan.name!r}: {VARIABLE} gathers files into "
                            f"{spec['into']!r}, which is not one of its outputs; add it")
    root = Path(plan.cwd)
    missing = []
    for pattern in spec["outputs"]:
        _check_relative(pattern, f"output file {pattern!r} of step {plan.name!r}")
        if glob.has_magic(pattern):
            found = [Path(p) for p in sorted(glob.glob(str(root / pattern), recursive=True))]
        else:
            found = [root / pattern]
        found = [p for p in found if p.is_file()]
        if not found:
            missing.append(pattern)
        for path in found:
            relative = path.relative_to(root).as_posix()
            target = inside(into, relative, f"output file {relative!r} of step {plan.name!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    if missing:
        outcome.status = Status.FAILED
        outcome.error = StepError(
            "FileNotFoundError",
            f"the step declares output file(s) {', '.join(map(repr, missing))} but did not "
            f"write them in its working folder {root}; write them there or remove them from "
            f"its outputs")


def _files(folder: Path) -> list[Path]:
    """Regular files under `folder`, links not followed."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(top) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _check_relative(relative: str, what: str) -> None:
    """A declared path stays under the working folder: relative, with no `..` (the working
    copy's own links may lead into the project: they are followed)."""
    parts = Path(relative).parts
    if not relative or os.path.isabs(relative) or ".." in parts:
        raise PipelineError(f"{what} leads outside the step's working folder; give a path "
                            f"relative to it without '..'")


def _unfolded(root: Path, relative: str, step: str) -> Path:
    """`root / relative` with every parent a real folder of the working copy: a parent that
    is a link into the project becomes a folder of links to its entries, so writing the
    file never writes through a link into the project."""
    _check_relative(relative, f"input file {relative!r} of step {step!r}")
    current = root
    for part in Path(relative).parts[:-1]:
        current = current / part
        if current.is_symlink():
            linked = Path(os.path.realpath(current))
            current.unlink()
            current.mkdir()
            if linked.is_dir():
                for entry in sorted(os.listdir(linked)):
                    (current / entry).symlink_to(linked / entry)
        elif not current.exists():
            current.mkdir()
        elif not current.is_dir():
            raise PipelineError(f"step {step!r}: cannot place input file {relative!r}: "
                                f"{current} is a file, not a folder")
    return current / Path(relative).name
