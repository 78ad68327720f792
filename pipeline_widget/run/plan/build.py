"""The run plan: for each step, what it will see (paths, parameters) and whether it is reused.

Built before anything runs or is written, so a rejected submission changes
nothing, and so a run where every step is reused needs no kernel at all.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.dataset import DatasetConsumptionConfig
from ...core.errors import PipelineError
from ...core.names import step_slug
from ...core.pipeline import PipelineModel
from ...core.pipeline_data import PipelineData, PipelineParameter
from ...core.steps import NotebookStep, PythonScriptStep, Step
from ..records import store as records
from ..reuse.cache import ReuseCache
from ..reuse.digests import digest_json, explain
from ..step.staging import storage_for

DEFAULT_KERNEL = "python3"


@dataclass
class StepPlan:
    """Everything needed to run one step, as plain data (it may travel to another process)."""

    name: str
    slug: str
    kind: str
    run_id: str
    step_run_id: str
    source: str                      # the notebook or the script
    cwd: str
    record_dir: str
    parameters: dict[str, Any] = field(default_factory=dict)   # injected into a notebook
    arguments: list[str] = field(default_factory=list)         # passed to a script
    kernel_name: str | None = None
    timeout: float | None = None
    inputs: dict[str, str] = field(default_factory=dict)       # PipelineData name -> folder
    outputs: dict[str, str] = field(default_factory=dict)      # PipelineData name -> folder
    input_datasets: dict[str, dict] = field(default_factory=dict)
    storage: dict[str, dict] = field(default_factory=dict)   # remote datastore URL -> fsspec options
    upstream: list[str] = field(default_factory=list)
    fingerprint: str = ""
    components: dict = field(default_factory=dict)
    allow_reuse: bool = True
    reused_from: dict | None = None   # the cache entry when reused
    why_not_reused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reused(self) -> bool:
        return self.reused_from is not None

    @property
    def context(self) -> dict:
        """What Run.get_context() reads inside the step."""
        return {"run_id": self.run_id, "step": self.name, "step_run_id": self.step_run_id,
                "inputs": self.inputs, "outputs": self.outputs,
                "input_datasets": self.input_datasets, "parameters": self.parameters,
                "metrics_file": str(Path(self.record_dir) / records.METRICS)}


@dataclass
class RunPlan:
    run_id: str
    pipeline_name: str
    parameters: dict[str, Any]
    steps: dict[str, StepPlan]
    upstream: dict[str, list[str]]

    @property
    def to_execute(self) -> list[StepPlan]:
        return [s for s in self.steps.values() if not s.reused]


def _notebook_kernel(step: NotebookStep) -> tuple[str, str | None]:
    if step.kernel_name:
        return step.kernel_name, None
    try:
        nb = json.loads(step.notebook.read_text(encoding="utf-8"))
        name = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    except (OSError, ValueError, AttributeError):
        name = None
    if name:
        return name, None
    return DEFAULT_KERNEL, (f"notebook {step.notebook.name} names no kernel (no kernelspec in its "
                            f"metadata); using the default kernel {DEFAULT_KERNEL!r}")


def _value(item: Any, params: dict[str, Any]) -> Any:
    return params[item.name] if isinstance(item, PipelineParameter) else item


def build(pipeline: PipelineModel, run_id: str, parameters: dict[str, Any], cache: ReuseCache,
          regenerate_outputs: bool = False) -> RunPlan:
    pipeline.check()
    workspace = pipeline.workspace
    default_store = workspace.get_default_datastore()
    order = pipeline.topological_order()
    upstream = pipeline.upstream()
    by_name = {s.name: s for s in pipeline.steps}
    producer_of: dict[int, str] = {id(o): s.name for s in pipeline.steps for o in s.outputs}
    plans: dict[str, StepPlan] = {}
    for name in order:
        step: Step = by_name[name]
        slug = step_slug(name)
        step_run_id = f"{slug}_{secrets.token_hex(4)}"
        plan = StepPlan(name=name, slug=slug, kind=step.kind, run_id=run_id,
                        step_run_id=step_run_id, source="", cwd="",
                        record_dir=str(records.step_dir(workspace, run_id, slug)),
                        timeout=step.timeout, upstream=upstream[name], allow_reuse=step.allow_reuse)
        inputs_fp: dict[str, dict] = {}
        for d in step.input_data:
            up = plans[producer_of[id(d)]]
            plan.inputs[d.name] = up.outputs[d.name]
            inputs_fp[d.name] = {"kind": "data", "from": up.fingerprint}
        for ds in step.named_datasets:
            plan.input_datasets[ds.name] = ds.dataset.to_dict()
            inputs_fp[ds.name] = {"kind": "dataset",
                                  "content": cache.digests.tree(Path(ds.dataset.path))}
        used_params = {p.name: parameters[p.name] for p in step.pipeline_parameters()}
        for p in step.inputs:
            if isinstance(p, PipelineParameter):
                inputs_fp[p.name] = {"kind": "parameter", "value": parameters[p.name]}

        if isinstance(step, NotebookStep):
            plan.source, plan.cwd = str(step.notebook), str(step.notebook.parent)
            plan.kernel_name, note = _notebook_kernel(step)
            if note:
                plan.notes.append(note)
            own = {k: _value(v, parameters) for k, v in step.parameters.items()}
            code = cache.digests.file(step.notebook, code_only=True)
            plan.components = {"kind": step.kind, "code": code, "kernel": plan.kernel_name,
                               "parameters": own}
        else:
            assert isinstance(step, PythonScriptStep)
            plan.source, plan.cwd = str(step.script_path), str(step.source_directory)
            code = cache.digests.tree(step.source_directory, code_only_notebooks=True)
            own = {}
            plan.components = {"kind": step.kind, "code": code,
                               "parameters": dict(used_params),
                               "arguments": [_symbol(a, parameters) for a in step.arguments]}
        plan.components["options"] = {"timeout": step.timeout}
        plan.components["outputs"] = [o.name for o in step.outputs]
        plan.components["inputs"] = inputs_fp
        plan.fingerprint = digest_json(plan.components)

        entry = None
        upstream_reused = all(plans[u].reused for u in plan.upstream)
        if step.allow_reuse and not regenerate_outputs and upstream_reused:
            entry = cache.lookup(plan.fingerprint)
        if entry is not None:
            plan.reused_from = entry
            plan.outputs = dict(entry["outputs"])
        else:
            for o in step.outputs:
                store = o.datastore or default_store
                plan.outputs[o.name] = store.data_path(step_run_id, o.name)
            if not step.allow_reuse:
                plan.why_not_reused = ["allow_reuse is off for this step"]
            elif regenerate_outputs:
                plan.why_not_reused = ["outputs regenerated on request"]
            elif not upstream_reused:
                plan.why_not_reused = ["an upstream step runs again"]
            else:
                plan.why_not_reused = explain(cache.last_components(pipeline.name, slug),
                                              plan.components)
        plan.storage = storage_for(workspace, [*plan.inputs.values(), *plan.outputs.values()])

        if isinstance(step, NotebookStep):
            injected = dict(own)
            for key, value in [*plan.inputs.items(), *plan.outputs.items()]:
                _inject(injected, key, value, name)
            for ds_name, ds in plan.input_datasets.items():
                _inject(injected, ds_name, ds["path"], name)
            for p in step.inputs:
                if isinstance(p, PipelineParameter):
                    _inject(injected, p.name, parameters[p.name], name)
            plan.parameters = injected
        else:
            plan.parameters = used_params
            plan.arguments = [_argument(a, plan, parameters) for a in step.arguments]
        plans[name] = plan
    return RunPlan(run_id, pipeline.name, parameters, plans, upstream)


def _inject(params: dict, key: str, value: Any, step: str) -> None:
    if key in params and params[key] != value:
        raise PipelineError(f"step {step!r}: parameter {key!r} is also the name of one of its "
                            f"inputs or outputs; rename the parameter or the PipelineData")
    params[key] = value


def _symbol(arg: Any, params: dict) -> Any:
    if isinstance(arg, PipelineData):
        return {"data": arg.name}
    if isinstance(arg, DatasetConsumptionConfig):
        return {"input": arg.name}
    return _value(arg, params)


def _argument(arg: Any, plan: StepPlan, params: dict) -> str:
    if isinstance(arg, PipelineData):
        return plan.outputs.get(arg.name) or plan.inputs[arg.name]
    if isinstance(arg, DatasetConsumptionConfig):
        return plan.input_datasets[arg.name]["path"]
    return str(_value(arg, params))
