"""Steps: a notebook run with papermill, a script or a command line run as a process.

What differs between the kinds lives on the classes: where the source is, which
of its text is code, how values reach it (parameters or arguments), what of it
identifies a result, its fields in the file and their schema. Other modules ask the
step, never its type. The kinds are a registry (`kinds()`): other packages add theirs
through the `pipeline_widget.step_kinds` entry point group (a Step subclass each; its
runner goes in `pipeline_widget.step_runners`).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from ..errors import PipelineError
from .. import plugins
from .base import DEFAULT_KERNEL, EXECUTION_TAGS, Binding, Input, Step
from .command import CommandStep
from .notebook import NotebookStep
from .script import PythonScriptStep

__all__ = ["DEFAULT_KERNEL", "EXECUTION_TAGS", "Binding", "CommandStep", "Input",
           "NotebookStep", "PythonScriptStep", "Step", "kinds", "step_for_source"]

ENTRY_POINTS = "pipeline_widget.step_kinds"
_loaded = False
_lock = threading.Lock()


def kinds() -> dict[str, type[Step]]:
    """Every step kind: the built-in ones and those installed packages register."""
    global _loaded
    with _lock:
        if not _loaded:
            for point in plugins.entry_points_of(ENTRY_POINTS):
                try:
                    point.load()   # a Step subclass registers itself by its `kind`
                except Exception as err:  # a broken plug-in must not stop the built-in kinds
                    import warnings

                    warnings.warn(f"step kind {point.name!r} could not be loaded: {err}",
                                  stacklevel=2)
            _loaded = True
    return Step.KINDS


def step_for_source(source: str | os.PathLike, name: str) -> Step:
    """A step of the kind that runs `source` (by its suffix)."""
    path = Path(source).expanduser().absolute()
    if path.suffix == NotebookStep.suffix:
        return NotebookStep(name=name, notebook=path)
    if path.suffix == PythonScriptStep.suffix:
        return PythonScriptStep(name=name, script_name=path.name, source_directory=path.parent)
    if path.suffix in COMMANDS:
        return CommandStep(name=name, command=f"{COMMANDS[path.suffix]} {path.name}",
                           source_directory=path.parent)
    choices = " or ".join([*(f"{k.suffix} ({k.kind.replace('_', ' ')})"
                             for k in kinds().values() if k.suffix),
                           *(f"{suffix} (command)" for suffix in COMMANDS)])
    raise PipelineError(f"step {name!r}: {path.name} is not a step source; pick a {choices}")


# Files that become a command step when added as a step: suffix -> the program that runs them.
COMMANDS = {".sh": "bash", ".R": "Rscript", ".r": "Rscript"}
