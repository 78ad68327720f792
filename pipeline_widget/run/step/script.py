"""The script kind's runner: a Python process in its source directory, in the step's
interpreter (the runner's own unless the step names another)."""
from __future__ import annotations

import sys

from ..cancel import CancelToken
from ..plan.model import StepPlan
from .outcome import StepOutcome
from .process import run_process


def run_script(plan: StepPlan, cancel: CancelToken) -> StepOutcome:
    return run_process(plan, [plan.interpreter or sys.executable, plan.source, *plan.arguments],
                       cancel)
