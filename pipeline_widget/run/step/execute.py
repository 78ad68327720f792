"""Running one planned step, wherever it runs: folders and context first, then the step."""
from __future__ import annotations

import socket
import time
from pathlib import Path

from ...core import atomic
from ..cancel import CancelToken
from ..plan.model import StepPlan
from ..records import store as records
from ..reuse.reads import forget_trace
from ..status import Status
from . import data_references, file_passing
from .outcome import OnCell, StepError, StepOutcome
from .runners import runner_for
from .snapshot import working_copy
from .staging import Staging


def prepare(plan: StepPlan) -> None:
    """Create the step's record folder, its output folders and its context file."""
    Path(plan.record_dir).mkdir(parents=True, exist_ok=True)
    forget_trace(plan.record_dir)
    for folder in plan.outputs.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    atomic.write_json(Path(plan.record_dir) / records.CONTEXT, plan.context)


def execute_step(plan: StepPlan, cancel: CancelToken, kernel=None,
                 on_cell: OnCell | None = None) -> StepOutcome:
    """Run the step with its kind's runner (runners.py); `kernel` is a started
    kernels.Kernel for steps that run in one, stopped by the caller (the runner starts and
    stops one if None); `on_cell` hears of a notebook's cells as they start. Never raises:
    any failure
    becomes a Failed outcome. Inputs and outputs on a remote datastore are staged in a
    local scratch folder: the step sees folders, its outputs are uploaded if it finished."""
    start = time.time()
    staging = Staging(plan) if Staging.needed(plan) else None
    if staging is not None:
        plan = staging.plan
    try:
        plan = data_references.resolve(plan)   # imported pipelines: data_references.py
        prepare(plan)
        if plan.snapshot:
            plan = working_copy(plan)
        if cancel.is_set():
            return StepOutcome(Status.CANCELED, start, time.time())
        if staging is not None:
            staging.download_inputs()
        plan = file_passing.place_inputs(plan)   # Elyra's data passing: file_passing.py
        outcome = runner_for(plan.kind)(plan, cancel, kernel, on_cell)
        file_passing.gather_outputs(plan, outcome)
        if staging is not None and outcome.status == Status.FINISHED:
            try:
                staging.upload_outputs()
                outcome.end_time = time.time()
            except Exception as err:
                outcome.status = Status.FAILED
                outcome.error = StepError.of(err)
    except Exception as err:
        outcome = StepOutcome(Status.FAILED, start, time.time(), error=StepError.of(err))
    finally:
        if staging is not None:
            staging.cleanup()
    outcome.worker = outcome.worker or socket.gethostname()
    return outcome
