"""Bad input, decided in one place for `validate` and for `submit`: the model's own
problems (core.validation), then what only the runner can see (the notebooks' parameters
cells, the kernels installed here). A file that `validate` passes, `run` accepts."""
from __future__ import annotations

from typing import Any, Collection

from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel
from ..core.validation import Problem, errors
from .parameters_cell import type_problems

LOCAL = "local"


def installed_kernels() -> list[str]:
    from .step.kernels import spec_manager

    return sorted(spec_manager().find_kernel_specs())


def kernel_problems(pipeline: PipelineModel, executor: str,
                    skip: Collection[str] = ()) -> list[Problem]:
    """A kernel that is not installed stops a local run; on a cluster, the workers may have
    it, so it is a warning."""
    wanted = {s.name: s.kernel()[0] for s in pipeline.steps if s.name not in skip}
    wanted = {step: kernel for step, kernel in wanted.items() if kernel}
    if not wanted:
        return []
    have = installed_kernels()
    local = executor == LOCAL
    problems = []
    for step, kernel in wanted.items():
        if kernel not in have:
            where = "here" if local else "on this machine (the cluster's workers may have it)"
            problems.append(Problem(
                "kernel_missing", f"step {step!r} needs the Jupyter kernel {kernel!r}, which is "
                f"not installed {where}; installed kernels: {', '.join(have) or 'none'}. "
                f"Install it, or pick one of those as the step's kernel", (step,),
                warning=not local))
    return problems


def problems(pipeline: PipelineModel, values: dict[str, Any] | None = None,
             executor: str = LOCAL, skip: Collection[str] = ()) -> list[Problem]:
    """Every problem of the pipeline as it would run with these parameter values."""
    found = pipeline.model_problems()
    if errors(found):
        return found   # the steps' files may be missing: nothing more to look at
    if values is None:
        values = pipeline.resolve_parameters(None)
    return [*found, *value_problems(pipeline, values, skip),
            *kernel_problems(pipeline, executor, skip)]


def value_problems(pipeline: PipelineModel, values: dict[str, Any],
                   skip: Collection[str] = ()) -> list[Problem]:
    """The problems that depend on the pipeline parameters' values (a sweep checks each of
    its values with these before its first run)."""
    return type_problems(pipeline, values, skip)


def refuse(found: list[Problem]) -> None:
    """Raise for the errors among `found`, all of them in one message."""
    bad = errors(found)
    if bad:
        raise PipelineError("the pipeline is not valid:\n" + "\n".join(f"  - {p}" for p in bad))
