"""Which runner runs a step, by its kind: one runner module per kind (notebook.py,
script.py, command.py), like papermill's engine registry. Other packages add runners for
their kinds through the `pipeline_widget.step_runners` entry point group (name: the kind;
value: a callable with the Runner signature)."""
from __future__ import annotations

import threading
from typing import Any, Callable

from ...core import plugins
from ...core.errors import PipelineError
from ..cancel import CancelToken
from ..plan.model import StepPlan
from .outcome import OnCell, StepOutcome

# (plan, cancel, kernel or None, on_cell or None) -> outcome; never raises
Runner = Callable[[StepPlan, CancelToken, Any, "OnCell | None"], StepOutcome]
ENTRY_POINTS = "pipeline_widget.step_runners"
_runners: dict[str, Runner] = {}
_loaded = False
_lock = threading.Lock()


def register(kind: str, runner: Runner) -> None:
    _runners[kind] = runner


def _builtin() -> None:
    from .command import run_command
    from .notebook import run_notebook_step
    from .script import run_script

    register("notebook", run_notebook_step)
    register("python_script", lambda plan, cancel, kernel, on_cell: run_script(plan, cancel))
    register("command", lambda plan, cancel, kernel, on_cell: run_command(plan, cancel))


def runner_for(kind: str) -> Runner:
    """The runner of a step kind; a kind with none is bad input, named."""
    global _loaded
    with _lock:   # steps start in threads of their own
        if not _loaded:
            _builtin()
            for point in plugins.entry_points_of(ENTRY_POINTS):
                try:
                    register(point.name, point.load())
                except Exception:   # a broken plug-in must not stop the built-in kinds
                    pass
            _loaded = True
    if kind not in _runners:
        raise PipelineError(f"no runner for steps of kind {kind!r}; install the package that "
                            f"provides it (entry point group {ENTRY_POINTS})")
    return _runners[kind]
