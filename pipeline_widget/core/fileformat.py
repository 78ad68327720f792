"""The .pipeline.json format: the pipeline, not the drawing, with paths relative to the file."""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import jsonfiles, schema
from .dataset import Dataset, DatasetConsumptionConfig
from .errors import PipelineError
from .extensions import Extensions, check_extensions
from .names import identifier_problem, step_name_problem
from .pipeline_data import PipelineData, PipelineParameter
from .steps import Step, kinds
from .workspace import DEFAULT_DATASTORE

SCHEMA_VERSION = 1
SCHEMA_PATH = schema.PUBLISHED_PATH
SUFFIX = ".pipeline.json"


def _schema_validator():
    return schema.validator()


def _rel(path: Path | str, base: Path) -> str:
    return Path(os.path.relpath(Path(path), base)).as_posix()


def _abs(stored: str, base: Path) -> Path:
    return Path(os.path.normpath(base / stored))


def _ordered(step: dict[str, Any], kind: type[Step]) -> dict[str, Any]:
    """A saved step's fields in its kind's order; fields the kind does not list last, by name
    (never refused: what a kind writes, the file keeps)."""
    order = kind.field_order()
    known = [k for k in order if k in step]
    return {k: step[k] for k in [*known, *sorted(k for k in step if k not in order)]}


@dataclass
class Declared:
    """Pipeline parameters and data a file declares that no step uses (yet): kept, so that
    loading and saving a file never loses what its author wrote."""
    parameters: dict[str, PipelineParameter] = field(default_factory=dict)
    data: dict[str, PipelineData] = field(default_factory=dict)


def to_dict(name: str, description: str, steps: list[Step], base: Path,
            declared: Declared | None = None, extensions: Extensions | None = None) -> dict:
    params: dict[str, Any] = {}
    datas: dict[str, dict] = {}
    unused = declared or Declared()
    used_data = [d for s in steps for d in [*s.input_data, *s.outputs]]
    for s in steps:
        for p in s.pipeline_parameters():
            params.setdefault(p.name, p.default_value)
    for p in unused.parameters.values():
        params.setdefault(p.name, p.default_value)
    for data in [*used_data, *unused.data.values()]:
        store = data.datastore_name
        own_store = store not in (None, DEFAULT_DATASTORE)
        datas.setdefault(data.name, {"datastore": store} if own_store else {})

    def ref(item: Any) -> Any:
        if isinstance(item, PipelineData):
            return {"data": item.name}
        if isinstance(item, PipelineParameter):
            return {"parameter": item.name}
        if isinstance(item, DatasetConsumptionConfig):
            ds = {"path": _rel(item.dataset.path, base), "kind": item.dataset.kind}
            if item.dataset.name:
                ds["name"] = item.dataset.name
            return {"dataset": ds, "as": item.name}
        return item

    out_steps = []
    for s in steps:
        d: dict[str, Any] = {"type": s.kind, "name": s.name}
        d.update(s.to_fields(lambda path: _rel(path, base), ref))
        d["inputs"] = [ref(i) for i in s.inputs]
        d["outputs"] = [o.name for o in s.outputs]
        d["allow_reuse"] = s.allow_reuse
        d["timeout"] = s.timeout
        if s.retries is not None:
            d["retries"] = s.retries
        if s.dependencies:
            d["dependencies"] = [_rel(dep, base) for dep in s.dependencies]
        if s.environment:
            d["environment"] = dict(s.environment)   # as written: ${NAME} stays a reference
        if s.extensions:
            d["extensions"] = copy.deepcopy(s.extensions)
        out_steps.append(_ordered(d, type(s)))
    result: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "name": name}
    if description:
        result["description"] = description
    result.update({"parameters": params, "data": datas, "steps": out_steps})
    if extensions:
        result["extensions"] = copy.deepcopy(extensions)
    return result


def check_shape(data: Any, source: str) -> None:
    """Raise PipelineError unless `data` follows the published schema."""
    if not isinstance(data, dict):
        raise PipelineError(f"{source}: a pipeline file holds a JSON object, not "
                            f"{type(data).__name__}; see {SCHEMA_PATH.name}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise PipelineError(f"{source}: schema_version {version!r} is not supported (this version "
                            f"reads {SCHEMA_VERSION}); upgrade pipeline-widget or re-save the file")
    import fastjsonschema

    problem = _name_problem(data)
    if problem:
        raise PipelineError(f"{source}: {problem}")
    try:
        _schema_validator()(data)
    except fastjsonschema.JsonSchemaException as err:
        err = _step_error(data, err)
        where = _where(getattr(err, "name", "data"))
        message = err.message.replace(getattr(err, "name", "data"), where, 1)
        raise PipelineError(f"{source}: {where} is malformed ({message}); the format is "
                            f"described in {SCHEMA_PATH.name}") from None


def _where(name: str) -> str:
    """fastjsonschema's 'data.steps[0].name' as 'steps[0].name' ('the file' for the root)."""
    return name[len("data."):] if name.startswith("data.") else "the file"


def _name_problem(data: dict) -> str | None:
    """The first name in the file that breaks a name rule, said with the rule (the schema
    alone would only say that a step matches no definition)."""
    datas = data.get("data")
    for name in (datas if isinstance(datas, dict) else {}):
        problem = identifier_problem(name, "PipelineData")
        if problem:
            return f"data: {problem}"
    steps = data.get("steps")
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        where = f"steps[{i}]" + (f" ({step['name']!r})" if isinstance(step.get("name"), str) else "")
        if "name" in step:
            problem = step_name_problem(step["name"])
            if problem:
                return f"{where}: {problem}"
        def listed(key: str) -> list:
            value = step.get(key)
            return value if isinstance(value, list) else []
        refs = list(listed("outputs"))
        for item in [*listed("inputs"), *listed("arguments")]:
            if isinstance(item, dict) and "data" in item:
                refs.append(item["data"])
        for name in refs:
            problem = identifier_problem(name, "PipelineData")
            if problem:
                return f"{where}: {problem}"
    return None


@lru_cache(maxsize=16)
def _step_validator(kind: str):
    return schema.step_validator(kind)


def _step_error(data: dict, err: Any) -> Any:
    """For a step that matches no step definition, the error against the definition of its
    own type, which names the field at fault."""
    import fastjsonschema

    name = getattr(err, "name", "")
    steps = data.get("steps")
    if not (name.startswith("data.steps[") and name.endswith("]") and isinstance(steps, list)):
        return err
    try:
        step = steps[int(name[len("data.steps["):-1])]
    except (ValueError, IndexError):
        return err
    kind = step.get("type") if isinstance(step, dict) else None
    if not isinstance(kind, str) or kind not in kinds():
        return err
    try:
        _step_validator(kind)(step)
    except fastjsonschema.JsonSchemaValueException as inner:
        inner_name = inner.name or "data"
        full = name + inner_name[len("data"):]
        inner.message = inner.message.replace(inner_name, full, 1)
        inner.name = full
        return inner
    return err


def from_dict(data: Any, base: Path, datastore_for, source: str = "pipeline"
              ) -> tuple[str, str, list[Step], Declared, Extensions]:
    """Build steps from a checked dict; `datastore_for(name)` resolves datastore names.
    Also returns the parameters and data the file declares that no step uses, and the
    pipeline's extensions."""
    check_shape(data, source)
    params = {n: PipelineParameter(n, v) for n, v in data.get("parameters", {}).items()}
    datas: dict[str, PipelineData] = {}
    for n, opts in data.get("data", {}).items():
        store = opts.get("datastore")
        datas[n] = PipelineData(n, datastore=datastore_for(store) if store else None)

    class Refs:
        """Names in the file -> the model's objects, shared by every step."""

        where = "the file"

        def parameter(self, name: str) -> PipelineParameter:
            if name not in params:
                raise PipelineError(f"{source}: {self.where} uses pipeline parameter {name!r}, "
                                    f"which is not in 'parameters'; add it there with a default "
                                    f"value")
            return params[name]

        def data(self, name: str) -> PipelineData:
            if name not in datas:
                datas[name] = PipelineData(name)
            return datas[name]

    refs = Refs()
    steps: list[Step] = []
    for i, s in enumerate(data["steps"]):
        refs.where = f"step {s['name']!r}"
        inputs: list[Any] = []
        for item in s.get("inputs", []):
            if "data" in item:
                inputs.append(refs.data(item["data"]))
            elif "parameter" in item:
                inputs.append(refs.parameter(item["parameter"]))
            else:
                ds = item["dataset"]
                dataset = Dataset(str(_abs(ds["path"], base)), ds["kind"], ds.get("name"))
                inputs.append(DatasetConsumptionConfig(item["as"], dataset))
        common = dict(name=s["name"], inputs=inputs,
                      outputs=[refs.data(n) for n in s.get("outputs", [])],
                      allow_reuse=s.get("allow_reuse", True), timeout=s.get("timeout"),
                      retries=s.get("retries"),
                      dependencies=[_abs(d, base) for d in s.get("dependencies", [])],
                      environment=s.get("environment"))
        try:
            step = kinds()[s["type"]].from_fields(s, common, lambda p: _abs(p, base), refs)
            step.extensions = s.get("extensions")
            steps.append(step)
        except PipelineError as err:
            raise PipelineError(f"{source}: steps[{i}]: {err}") from None
    used_params = {p.name for s in steps for p in s.pipeline_parameters()}
    used_data = {d.name for s in steps for d in [*s.input_data, *s.outputs]}
    declared = Declared({n: p for n, p in params.items() if n not in used_params},
                        {n: d for n, d in datas.items() if n not in used_data})
    extensions = check_extensions(data.get("extensions"), source)
    return data.get("name", ""), data.get("description", ""), steps, declared, extensions


def read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PipelineError(f"pipeline file {path} not found; check the path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PipelineError(f"cannot read pipeline file {path}: {err}") from None
    try:
        return jsonfiles.loads(text)
    except jsonfiles.TooDeep as err:
        raise PipelineError(f"{path.name} is not a pipeline file: {err}") from None
    except json.JSONDecodeError as err:
        raise PipelineError(f"{path.name} is not valid JSON (line {err.lineno}, column {err.colno}: "
                            f"{err.msg}); fix the file or save the pipeline again") from None


def default_name(path: Path) -> str:
    name = path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else path.stem
