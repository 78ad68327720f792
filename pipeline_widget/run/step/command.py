"""The command kind's runner: its command line, references already substituted (the plan's
arguments), run as a process in its source folder; never through a shell."""
from __future__ import annotations

from pathlib import Path

from ..cancel import CancelToken
from ..plan.model import StepPlan
from ..reuse.reads import TraceSpec
from .outcome import StepOutcome
from .process import run_process


def run_command(plan: StepPlan, cancel: CancelToken) -> StepOutcome:
    """A command that runs Python records its reads as a script does; one that does not
    (Rscript, bash) records nothing, and its result is decided by its fingerprint."""
    outcome = run_process(plan, list(plan.arguments), cancel)
    trace = TraceSpec.of(plan)
    outcome.traced = trace is not None and Path(trace.out).is_file()
    return outcome
