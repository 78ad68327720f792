"""Editing the model: every change a designer (or a script) makes to a pipeline.

The functions here own the model's consistency: producer registration of
PipelineData, links that go with a removed step, name rules. Views call them
and never change the model's internals themselves. `snapshot`/`restore` give
views undo and all-or-nothing edits.
"""
from __future__ import annotations

import copy
import os
import shlex
from pathlib import Path
from typing import Any

from .dataset import Dataset
from .environment import check_environment
from .errors import PipelineError
from .names import check_identifier, check_step_name
from .parameter_types import check_parameters
from .pipeline import PipelineModel
from .pipeline_data import PipelineData
from .steps import Step, step_for_source
from .steps.base import checked_retries
from .steps.script import check_interpreter


def snapshot(pipeline: PipelineModel) -> list[Step]:
    """A deep copy of the steps (with their data), for `restore`."""
    return copy.deepcopy(pipeline.steps)


def restore(pipeline: PipelineModel, steps: list[Step]) -> None:
    pipeline.steps = steps


def _step(pipeline: PipelineModel, name: str):
    return pipeline.step(name)


def _unique_name(pipeline: PipelineModel, name: str) -> None:
    check_step_name(name)
    if any(s.name == name for s in pipeline.steps):
        raise PipelineError(f"there is already a step named {name!r}; choose another name")


def add_step(pipeline: PipelineModel, source: str | os.PathLike, name: str) -> Step:
    """A step of the kind that runs `source` (a notebook or a script), appended."""
    path = Path(source).expanduser().absolute()
    _unique_name(pipeline, name)
    if not path.is_file():
        raise PipelineError(f"step {name!r}: {path} is not a file; pick a notebook (.ipynb) or "
                            f"a script (.py) that exists")
    step = step_for_source(path, name)
    pipeline.steps.append(step)
    return step


def connect(pipeline: PipelineModel, producer: str, consumer: str, data_name: str) -> PipelineData:
    """Link two steps by the PipelineData `data_name`: the producer's own, or a new one."""
    check_identifier(data_name, "PipelineData")
    if producer == consumer:
        raise PipelineError(f"step {producer!r} cannot read its own output; click another step "
                            f"as the consumer")
    src, dst = _step(pipeline, producer), _step(pipeline, consumer)
    data = next((o for o in src.outputs if o.name == data_name), None)
    if data is None:
        other = next((d for d in pipeline.data if d.name == data_name), None)
        if other is not None and _writers(pipeline, other):
            writer = _writers(pipeline, other)[0].name
            raise PipelineError(f"PipelineData {data_name!r} is written by step {writer!r}; "
                                f"give this link another name")
        # read by steps whose producer was removed: the new producer mends them
        data = other or PipelineData(data_name,
                                     datastore=pipeline.workspace.get_default_datastore())
        src.outputs.append(data)
        data._add_producer(src)
        if any(i is data for i in dst.inputs):
            return data
    if any(i is data for i in dst.inputs):
        raise PipelineError(f"step {consumer!r} already reads {data_name!r} from {producer!r}")
    dst.inputs.append(data)
    return data


def _readers(pipeline: PipelineModel, data: PipelineData) -> list:
    return [s for s in pipeline.steps if any(i is data for i in s.input_data)]


def _writers(pipeline: PipelineModel, data: PipelineData) -> list:
    return [s for s in pipeline.steps if any(o is data for o in s.outputs)]


def add_output(pipeline: PipelineModel, step_name: str, data_name: str) -> PipelineData:
    """A PipelineData the step writes, whether or not a step reads it (a report, a model):
    it is kept with the step run, and its files count for reuse."""
    check_identifier(data_name, "PipelineData")
    step = _step(pipeline, step_name)
    other = next((d for d in pipeline.data if d.name == data_name), None)
    if other is not None:
        writer = next((s.name for s in _writers(pipeline, other)), None)
        where = f"written by step {writer!r}" if writer else "read by another step"
        raise PipelineError(f"PipelineData {data_name!r} is already {where}; choose another "
                            f"name for this output")
    data = PipelineData(data_name, datastore=pipeline.workspace.get_default_datastore())
    step.outputs.append(data)
    data._add_producer(step)
    return data


def append_arguments(pipeline: PipelineModel, step_name: str, arguments: list) -> None:
    """More arguments at the end of a script's command line (text, or PipelineData)."""
    step = _step(pipeline, step_name)
    _check_takes_arguments(step)
    step.arguments = [*step.arguments, *arguments]  # type: ignore[attr-defined]


def remove_link(pipeline: PipelineModel, producer: str, consumer: str, data_name: str) -> None:
    """Take the PipelineData off the consumer; the producer drops it once nobody reads it."""
    src, dst = _step(pipeline, producer), _step(pipeline, consumer)
    data = next((i for i in dst.input_data if i.name == data_name), None)
    if data is None:
        raise PipelineError(f"step {consumer!r} does not read {data_name!r}")
    dst.inputs = [i for i in dst.inputs if i is not data]
    if not _readers(pipeline, data) and not _in_arguments(src, data):
        src.outputs = [o for o in src.outputs if o is not data]
        data._remove_producer(src)


def _in_arguments(step: Step, data: PipelineData) -> bool:
    return any(a is data for a in step.passed_references())


def remove_step(pipeline: PipelineModel, name: str) -> None:
    """Remove a step. The steps that read what it wrote keep those inputs, now written by
    no step: validation names them, and a link from another step (by the same name) mends
    them."""
    step = _step(pipeline, name)
    pipeline.steps = [s for s in pipeline.steps if s is not step]
    step.unlink()


def clear(pipeline: PipelineModel) -> None:
    """Remove every step (undoable like any edit): a blank canvas to draw on."""
    for step in pipeline.steps:
        step.unlink()
    pipeline.steps = []


def rename_step(pipeline: PipelineModel, old: str, new: str) -> None:
    if old == new:
        return
    step = _step(pipeline, old)
    _unique_name(pipeline, new)
    step.name = new


def rename_data(pipeline: PipelineModel, old: str, new: str) -> None:
    if old == new:
        return
    check_identifier(new, "PipelineData")
    found = [d for d in pipeline.data if d.name == old]
    if not found:
        raise PipelineError(f"the pipeline has no PipelineData named {old!r}")
    if any(d.name == new for d in pipeline.data):
        raise PipelineError(f"there is already a PipelineData named {new!r}; choose another name")
    for d in found:
        d.name = new


def set_parameter(pipeline: PipelineModel, step_name: str, key: str, value: Any) -> None:
    step = _step(pipeline, step_name)
    if not step.takes_parameters:
        instead = "give its arguments" if step.takes_arguments else "put values in its command"
        raise PipelineError(f"step {step_name!r} is a {step.noun} step; notebook parameters "
                            f"are for notebooks ({instead})")
    check_identifier(key, f"step {step_name!r}: parameter")
    step.parameters = check_parameters(  # type: ignore[attr-defined]
        step_name, {**step.parameters, key: value})  # type: ignore[attr-defined]


def set_arguments(pipeline: PipelineModel, step_name: str, text: str) -> None:
    """A script's arguments from a command line; `{name}` stands for the step's PipelineData
    or named dataset input `name`, or the pipeline parameter `name`."""
    step = _step(pipeline, step_name)
    _check_takes_arguments(step)
    try:
        tokens = shlex.split(text)
    except ValueError as err:
        raise PipelineError(f"step {step_name!r}: cannot read the arguments ({err}); check "
                            f"the quotes") from None
    named = {i.name: i for i in step.inputs}
    named.update({o.name: o for o in step.outputs})
    params = pipeline.parameters
    args: list[Any] = []
    for token in tokens:
        if token.startswith("{") and token.endswith("}") and len(token) > 2:
            ref = token[1:-1]
            item = named.get(ref) or params.get(ref)
            if item is None:
                raise PipelineError(
                    f"step {step_name!r}: argument {token} names no input, output or pipeline "
                    f"parameter; it has {', '.join(sorted({*named, *params})) or 'none'}")
            args.append(item)
        else:
            args.append(token)
    step.arguments = args  # type: ignore[attr-defined]


def _check_takes_arguments(step: Step) -> None:
    if not step.takes_arguments:
        raise PipelineError(f"step {step.name!r} is a {step.noun} step, which takes no "
                            f"arguments" + ("; notebooks take parameters"
                                            if step.takes_parameters else ""))


def arguments_text(step: Any) -> str:
    """The inverse of set_arguments' parsing, for showing in a field."""
    return " ".join(shlex.quote(a) if isinstance(a, str) else
                    f"{{{a.name}}}" if hasattr(a, "name") else str(a) for a in step.arguments)


def clear_parameter(pipeline: PipelineModel, step_name: str, key: str) -> None:
    step = _step(pipeline, step_name)
    if step.takes_parameters:
        step.parameters = {  # type: ignore[attr-defined]
            k: v for k, v in step.parameters.items() if k != key}  # type: ignore[attr-defined]


def set_environment(pipeline: PipelineModel, step_name: str, environment: dict) -> None:
    """The step's environment variables (values, or ${NAME} references), replaced."""
    step = _step(pipeline, step_name)
    step.environment = check_environment(step_name, environment)


def set_kernel(pipeline: PipelineModel, step_name: str, kernel_name: str | None) -> None:
    """The kernel a notebook step runs in (None: the notebook's own, else the default)."""
    step = _step(pipeline, step_name)
    if not step.runs_in_kernel:
        raise PipelineError(f"step {step_name!r} is a {step.noun} step, which runs in no "
                            f"kernel" + ("; choose its interpreter instead"
                                         if step.takes_arguments else ""))
    step.kernel_name = kernel_name or None  # type: ignore[attr-defined]


def set_interpreter(pipeline: PipelineModel, step_name: str, interpreter: str | None) -> None:
    """The Python a script step runs in: a path, or an installed kernel's name."""
    step = _step(pipeline, step_name)
    if not step.takes_arguments or step.runs_in_kernel:
        raise PipelineError(f"step {step_name!r} is a {step.noun} step; only scripts take an "
                            f"interpreter" + ("; choose its kernel instead"
                                              if step.runs_in_kernel else ""))
    step.interpreter = check_interpreter(step_name, interpreter)


def set_allow_reuse(pipeline: PipelineModel, step_name: str, allow: bool) -> None:
    _step(pipeline, step_name).allow_reuse = bool(allow)


def set_retries(pipeline: PipelineModel, step_name: str, retries: int | None) -> None:
    _step(pipeline, step_name).retries = checked_retries(retries, f"step {step_name!r}: ")


def add_dataset_input(pipeline: PipelineModel, step_name: str, dataset: Dataset, as_name: str) -> None:
    _step(pipeline, step_name).inputs.append(dataset.as_named_input(as_name))


def set_dependencies(pipeline: PipelineModel, step_name: str, patterns: list[str]) -> None:
    """Files (paths or globs) whose change must re-run the step, besides its code."""
    step = _step(pipeline, step_name)
    step.dependencies = [step._checked_dependency(p) for p in patterns if str(p).strip()]


def repoint(pipeline: PipelineModel, step_name: str, source: str | os.PathLike,
            keep_parameters: set[str] | None = None) -> Step:
    """Point a step at another notebook or script (renamed, moved, or a new version): the
    same name, links, reuse, retries, timeout and dependencies. Notebook parameters are kept
    where their names are in `keep_parameters` (those the new notebook still declares; None:
    all); a script's arguments are kept when it stays a script."""
    old = _step(pipeline, step_name)
    path = Path(source).expanduser().absolute()
    if not path.is_file():
        raise PipelineError(f"step {step_name!r}: {path} is not a file; pick a notebook "
                            f"(.ipynb) or a script (.py) that exists")
    new = step_for_source(path, step_name)
    new.inputs, new.outputs = list(old.inputs), list(old.outputs)
    new.allow_reuse, new.timeout, new.retries = old.allow_reuse, old.timeout, old.retries
    new.dependencies, new.environment = list(old.dependencies), dict(old.environment)
    new.extensions = old.extensions
    new.adopt(old, keep_parameters)
    old.unlink()
    for out in new.outputs:
        out._add_producer(new)
    pipeline.steps = [new if s is old else s for s in pipeline.steps]
    return new


def unwritten_inputs(pipeline: PipelineModel, step_name: str) -> list[PipelineData]:
    """The PipelineData the step reads that no step of the pipeline writes (its producer was
    removed)."""
    writers = {id(o) for s in pipeline.steps for o in s.outputs}
    return [i for i in _step(pipeline, step_name).input_data if id(i) not in writers]


def drop_unwritten_inputs(pipeline: PipelineModel, step_name: str) -> list[str]:
    """Stop reading PipelineData that no step of the pipeline writes; returns their names."""
    step = _step(pipeline, step_name)
    dropped = unwritten_inputs(pipeline, step_name)
    step.inputs = [i for i in step.inputs if not any(i is d for d in dropped)]
    return [d.name for d in dropped]
