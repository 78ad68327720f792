"""The .pipeline.json format: the pipeline, not the drawing, with paths relative to the file."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .dataset import Dataset, DatasetConsumptionConfig
from .errors import PipelineError
from .pipeline_data import PipelineData, PipelineParameter
from .steps import NotebookStep, PythonScriptStep, Step
from .workspace import DEFAULT_DATASTORE

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("pipeline.schema.json")
SUFFIX = ".pipeline.json"


@lru_cache(maxsize=1)
def _schema_validator():
    import fastjsonschema

    return fastjsonschema.compile(json.loads(SCHEMA_PATH.read_text()))


def _rel(path: Path | str, base: Path) -> str:
    return Path(os.path.relpath(Path(path), base)).as_posix()


def _abs(stored: str, base: Path) -> Path:
    return Path(os.path.normpath(base / stored))


def to_dict(name: str, description: str, steps: list[Step], base: Path) -> dict:
    params: dict[str, Any] = {}
    datas: dict[str, dict] = {}
    for s in steps:
        for p in s.pipeline_parameters():
            params.setdefault(p.name, p.default_value)
        for d in [*s.input_data, *s.outputs]:
            store = d.datastore_name
            datas.setdefault(d.name, {"datastore": store} if store not in (None, DEFAULT_DATASTORE) else {})

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
        if isinstance(s, NotebookStep):
            d["notebook"] = _rel(s.notebook, base)
        else:
            assert isinstance(s, PythonScriptStep)
            d["script_name"] = s.script_name
            d["source_directory"] = _rel(s.source_directory, base)
            d["arguments"] = [({"input": a.name} if isinstance(a, DatasetConsumptionConfig) else ref(a))
                              for a in s.arguments]
        d["inputs"] = [ref(i) for i in s.inputs]
        d["outputs"] = [o.name for o in s.outputs]
        if isinstance(s, NotebookStep):
            d["parameters"] = {k: v for k, v in s.parameters.items()
                               if not isinstance(v, PipelineParameter)}
            bindings = {k: v.name for k, v in s.parameters.items() if isinstance(v, PipelineParameter)}
            if bindings:
                d["parameter_bindings"] = bindings
            d["kernel_name"] = s.kernel_name
        d["allow_reuse"] = s.allow_reuse
        d["timeout"] = s.timeout
        out_steps.append(d)
    result: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "name": name}
    if description:
        result["description"] = description
    result.update({"parameters": params, "data": datas, "steps": out_steps})
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

    try:
        _schema_validator()(data)
    except fastjsonschema.JsonSchemaException as err:
        where = getattr(err, "name", "data").replace("data", "file", 1)
        raise PipelineError(f"{source}: {where} is malformed ({err.message}); the format is "
                            f"described in {SCHEMA_PATH.name}") from None


def from_dict(data: Any, base: Path, datastore_for, source: str = "pipeline") -> tuple[str, str, list[Step]]:
    """Build steps from a checked dict; `datastore_for(name)` resolves datastore names."""
    check_shape(data, source)
    params = {n: PipelineParameter(n, v) for n, v in data.get("parameters", {}).items()}
    datas: dict[str, PipelineData] = {}
    for n, opts in data.get("data", {}).items():
        store = opts.get("datastore")
        datas[n] = PipelineData(n, datastore=datastore_for(store) if store else None)

    def param(name: str, where: str) -> PipelineParameter:
        if name not in params:
            raise PipelineError(f"{source}: {where} uses pipeline parameter {name!r}, which is not "
                                f"in 'parameters'; add it there with a default value")
        return params[name]

    def data_ref(name: str, where: str) -> PipelineData:
        if name not in datas:
            datas[name] = PipelineData(name)
        return datas[name]

    steps: list[Step] = []
    for i, s in enumerate(data["steps"]):
        where = f"step {s['name']!r}"
        inputs: list[Any] = []
        for item in s.get("inputs", []):
            if "data" in item:
                inputs.append(data_ref(item["data"], where))
            elif "parameter" in item:
                inputs.append(param(item["parameter"], where))
            else:
                ds = item["dataset"]
                dataset = Dataset(str(_abs(ds["path"], base)), ds["kind"], ds.get("name"))
                inputs.append(DatasetConsumptionConfig(item["as"], dataset))
        outputs = [data_ref(n, where) for n in s.get("outputs", [])]
        common = dict(name=s["name"], inputs=inputs, outputs=outputs,
                      allow_reuse=s.get("allow_reuse", True), timeout=s.get("timeout"))
        try:
            if s["type"] == "notebook":
                parameters = dict(s.get("parameters", {}))
                for key, pname in s.get("parameter_bindings", {}).items():
                    parameters[key] = param(pname, where)
                steps.append(NotebookStep(notebook=_abs(s["notebook"], base), parameters=parameters,
                                          kernel_name=s.get("kernel_name"), **common))
            else:
                named = {i.name: i for i in inputs if isinstance(i, DatasetConsumptionConfig)}
                args: list[Any] = []
                for a in s.get("arguments", []):
                    if isinstance(a, dict) and "data" in a:
                        args.append(data_ref(a["data"], where))
                    elif isinstance(a, dict) and "parameter" in a:
                        args.append(param(a["parameter"], where))
                    elif isinstance(a, dict):
                        if a["input"] not in named:
                            raise PipelineError(f"{where} passes input {a['input']!r} in its "
                                                f"arguments but has no dataset input of that name")
                        args.append(named[a["input"]])
                    else:
                        args.append(a)
                steps.append(PythonScriptStep(script_name=s["script_name"],
                                              source_directory=_abs(s.get("source_directory", "."), base),
                                              arguments=args, **common))
        except PipelineError as err:
            raise PipelineError(f"{source}: steps[{i}]: {err}") from None
    return data.get("name", ""), data.get("description", ""), steps


def read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PipelineError(f"pipeline file {path} not found; check the path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PipelineError(f"cannot read pipeline file {path}: {err}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise PipelineError(f"{path.name} is not valid JSON (line {err.lineno}, column {err.colno}: "
                            f"{err.msg}); fix the file or save the pipeline again") from None


def default_name(path: Path) -> str:
    name = path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else path.stem
