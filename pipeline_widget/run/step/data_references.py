"""Paths inside a step's PipelineData folders, given as parameter values.

A notebook parameter may hold `pipeline_data://NAME/REST` (also inside lists and dicts):
when the step runs it becomes the path REST inside the folder of its input or output
PipelineData NAME. So a notebook that expects file paths (Ploomber's `upstream` and
`product` dicts) gets paths into this run's folders without any change to the notebook.
The value as written is what the fingerprint holds; the folders are this run's.

Values a notebook gets whatever its parameters cell declares (Ploomber injects `upstream`
as a dict where the cell writes a list of names) come through one variable of the step's
environment, `PIPELINE_WIDGET_INJECT` (a JSON object of parameters), merged into the
parameters when the step runs: in the file and the fingerprint, outside the type check.
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from ...core.errors import PipelineError
from ..plan.model import StepPlan

SCHEME = "pipeline_data://"
INJECT = "PIPELINE_WIDGET_INJECT"


def resolve(plan: StepPlan) -> StepPlan:
    """The plan with every `pipeline_data://` parameter value made a path (unchanged when
    it has none)."""
    injected = _injected(plan)
    if injected:
        plan = dataclasses.replace(plan, parameters={**plan.parameters, **injected})
    if not _has_reference(plan.parameters):
        return plan
    folders = {**plan.inputs, **plan.outputs}
    parameters = {k: _resolved(v, folders, plan.name) for k, v in plan.parameters.items()}
    # the folder of an output file exists before the step starts, as Ploomber makes it
    for value in plan.parameters.values():
        for written in _output_paths(value, plan.outputs):
            Path(written).parent.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(plan, parameters=parameters)


def _injected(plan: StepPlan) -> dict[str, Any]:
    text = plan.environment.get(INJECT)
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise PipelineError(f"step {plan.name!r}: {INJECT} must be a JSON object of "
                            f"parameters, not {text!r}; fix it in the step's environment")
    return found


def _output_paths(value: Any, outputs: dict[str, str]) -> list[str]:
    """The paths inside output folders that `value` references."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in _output_paths(v, outputs)]
    if isinstance(value, list):
        return [p for v in value for p in _output_paths(v, outputs)]
    if isinstance(value, str) and value.startswith(SCHEME):
        name, _, rest = value[len(SCHEME):].partition("/")
        if name in outputs and rest and not os.path.isabs(rest) and ".." not in Path(rest).parts:
            return [str(Path(outputs[name]) / rest)]
    return []


def _has_reference(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(SCHEME)
    if isinstance(value, dict):
        return any(_has_reference(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_reference(v) for v in value)
    return False


def _resolved(value: Any, folders: dict[str, str], step: str) -> Any:
    if isinstance(value, dict):
        return {k: _resolved(v, folders, step) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, folders, step) for v in value]
    if not (isinstance(value, str) and value.startswith(SCHEME)):
        return value
    name, _, rest = value[len(SCHEME):].partition("/")
    if name not in folders:
        raise PipelineError(f"step {step!r}: parameter value {value!r} names PipelineData "
                            f"{name!r}, which is none of its inputs or outputs; add it or fix "
                            f"the name")
    if os.path.isabs(rest) or ".." in Path(rest).parts:
        raise PipelineError(f"step {step!r}: parameter value {value!r} leads outside the "
                            f"folder of {name!r}; give a path inside it without '..'")
    return str(Path(folders[name]) / rest) if rest else folders[name]
