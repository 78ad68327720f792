"""What the runs panel says about runs: the experiment a pipeline's runs go under, and,
after a run, which steps were reused and which ran, and why."""
from __future__ import annotations

from ..core import PipelineError
from ..core.names import check_experiment_name, experiment_name_for
from ..run import PipelineRun


def experiment_for(name: str) -> str:
    try:
        return check_experiment_name(name)
    except PipelineError:
        return experiment_name_for(name)


def what_ran(run: PipelineRun) -> str:
    """What a person wants to know first after a run: which steps were reused, which ran
    and why."""
    try:
        steps = run.get_steps()
    except (PipelineError, OSError, RuntimeError):
        return ""
    reused = [s.name for s in steps if s.is_reused]
    ran = [s.name + (f" ({'; '.join(s.why_not_reused)})" if s.why_not_reused else "")
           for s in steps if s.start_time is not None and not s.is_reused]
    parts = ([f"reused: {', '.join(reused)}"] if reused else []) + \
        ([f"ran: {', '.join(ran)}"] if ran else [])
    return (" - " + ". ".join(parts)) if parts else ""
