"""Steps: a notebook run with papermill or a script run as a process.

What differs between the kinds lives on the classes: where the source is, which
of its text is code, how values reach it (parameters or arguments), what of it
identifies a result, and how it is saved. Other modules ask the step, never its type.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import PipelineError
from .base import DEFAULT_KERNEL, EXECUTION_TAGS, Binding, Input, Step
from .notebook import NotebookStep
from .script import PythonScriptStep

__all__ = ["DEFAULT_KERNEL", "EXECUTION_TAGS", "Binding", "Input", "NotebookStep",
           "PythonScriptStep", "Step", "step_for_source"]


def step_for_source(source: str | os.PathLike, name: str) -> Step:
    """A step of the kind that runs `source` (by its suffix)."""
    path = Path(source).expanduser().absolute()
    if path.suffix == NotebookStep.suffix:
        return NotebookStep(name=name, notebook=path)
    if path.suffix == PythonScriptStep.suffix:
        return PythonScriptStep(name=name, script_name=path.name, source_directory=path.parent)
    kinds = " or ".join(f"{k.suffix} ({k.kind.replace('_', ' ')})" for k in Step.KINDS.values())
    raise PipelineError(f"step {name!r}: {path.name} is not a step source; pick a {kinds}")
