"""Building the run plan, in stages: layout (ids and folders), fingerprint, reuse, injection.

Built before anything runs or is written, so a rejected submission changes
nothing, and so a run where every step is reused needs no kernel at all.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from ...core import graph
from ...core.names import step_slug
from ...core.pipeline import PipelineModel
from ...core.steps import Step
from .. import environments
from ..records import store
from ..reuse import manifest as manifests
from ..reuse.cache import ReuseCache
from ..reuse.decide import decide
from ..step.staging import is_remote, storage_for
from . import identity, selection
from .model import RunPlan, StepPlan

__all__ = ["RunPlan", "StepPlan", "build"]


def _layout(step: Step, run_id: str, upstream: list[str], workspace: Any,
            taken: set[str]) -> StepPlan:
    slug = base = step_slug(step.name)
    n = 1
    while slug in taken:   # two names with one digest: each step its own folder all the same
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    plan = StepPlan(name=step.name, slug=slug, kind=step.kind, run_id=run_id,
                    step_run_id=f"{slug}_{secrets.token_hex(4)}", source=str(step.source),
                    cwd=str(step.cwd), record_dir=str(store.step_dir(workspace, run_id, slug)),
                    timeout=step.timeout, upstream=upstream, allow_reuse=step.allow_reuse,
                    snapshot=step.snapshot)
    plan.kernel_name, note = step.kernel()
    if note:
        plan.notes.append(note)
    plan.environment = environments.resolved_environment(step)
    plan.interpreter = environments.interpreter_for(step)
    return plan


def _decide_reuse(plan: StepPlan, cache: ReuseCache, pipeline_name: str,
                  upstream_reused: bool, regenerate: bool) -> None:
    """Reuse an earlier result that still applies (reuse/decide.py), or say why the step runs."""
    decision = decide(cache, pipeline_name, plan.slug, plan.fingerprint, plan.components,
                      plan.kernel_name, interpreter=plan.interpreter,
                      allow_reuse=plan.allow_reuse, regenerate=regenerate,
                      upstream_reused=upstream_reused)
    entry = decision.entry
    if entry is None:
        plan.why_not_reused = decision.reasons
        return
    plan.reused_from = entry
    plan.outputs = dict(entry["outputs"])
    plan.manifests = dict(entry.get("manifests", {}))
    plan.lineage = {name: {"from": entry.get("step_run_id"), "manifest": digest}
                    for name, digest in entry.get("manifest_digests", {}).items()}


def _keep(plan: StepPlan, earlier: Any) -> None:
    """A step that finished earlier in this same run (resume, --join): its step run, outputs
    and their lineage as they are."""
    plan.kept = True
    plan.step_run_id = earlier.step_run_id
    plan.outputs = dict(earlier.outputs)
    for name, folder in plan.outputs.items():
        if is_remote(folder) or not Path(folder).is_dir():
            plan.lineage[name] = {"from": plan.step_run_id, "manifest": None}
            continue
        plan.manifests[name] = manifests.build(Path(folder))
        plan.lineage[name] = {"from": plan.step_run_id,
                              "manifest": manifests.digest(plan.manifests[name])}


def _inject(step: Step, plan: StepPlan, values: identity.Values) -> None:
    plan.parameters, plan.arguments = step.inject(values)


def build(pipeline: PipelineModel, run_id: str, parameters: dict[str, Any], cache: ReuseCache,
          regenerate_outputs: bool = False, selected: set[str] | None = None,
          retries: int = 0, kept: dict[str, Any] | None = None) -> RunPlan:
    """The run's plan; `selected`: the steps of a partial run (selection.selected_steps),
    None for all. Outputs are regenerated for selected steps only. `kept`: step records
    of this same run that finished earlier (resume, --join): they are not run again."""
    pipeline.check()
    workspace = pipeline.workspace
    project = Path(workspace.path)
    default_store = workspace.get_default_datastore()
    upstream = pipeline.upstream()
    by_name = {s.name: s for s in pipeline.steps}
    producer_of: dict[int, str] = {id(o): s.name for s in pipeline.steps for o in s.outputs}
    plans: dict[str, StepPlan] = {}
    slugs: set[str] = set()
    seen_imports: dict[Any, list[Path]] = {}   # one reading per code and folder in a plan
    for name in graph.topological_order(pipeline.steps):   # checked just above
        step = by_name[name]
        plan = _layout(step, run_id, upstream[name], workspace, slugs)
        plan.retries = step.retries if step.retries is not None else retries
        for d in step.input_data:
            producer = plans[producer_of[id(d)]]
            plan.inputs[d.name] = producer.outputs[d.name]
            plan.producers[d.name] = producer.name
        for ds in step.named_datasets:
            plan.input_datasets[ds.name] = ds.dataset.to_dict()
        plan.project = str(project)
        plan.trace_skip = [str(workspace.root), *(str(ds.dataset.path) for ds in
                                                  step.named_datasets)]
        values = identity.Values(plan, parameters)
        plan.components = identity.components(
            step, plan, values, cache.digests, project,
            {d: plans[p] for d, p in plan.producers.items()}, seen_imports)
        plan.fingerprint = identity.fingerprint(plan.components)
        if kept and name in kept:
            _keep(plan, kept[name])
        else:
            _decide_reuse(plan, cache, pipeline.name,
                          all(plans[u].reused or plans[u].kept for u in plan.upstream),
                          regenerate_outputs and (selected is None or name in selected))
        if not plan.reused and not plan.kept:
            for o in step.outputs:
                store_ = o.datastore or default_store
                plan.outputs[o.name] = store_.data_path(plan.step_run_id, o.name)
        plan.storage = storage_for(workspace, [*plan.inputs.values(), *plan.outputs.values()])
        _inject(step, plan, values)
        plans[name] = plan
    plan_ = RunPlan(run_id, pipeline.name, parameters, plans, upstream,
                    kernels_dir=str(store.kernels_dir(workspace, run_id)))
    selection.apply(plan_, selected)
    return plan_
