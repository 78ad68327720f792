"""What a finished step leaves for reuse, and the checks that decide whether it may.

When a step finishes: its local outputs get a manifest and become read-only; the
lineage of each output (this step run, the manifest's digest) is set, so that
consumers' fingerprints name the exact data they read. A result is not kept
for reuse when the step wrote into one of its inputs (the step fails: its
result was built from data that is no longer the producer's), or when a
dataset it read changed while it ran (the result stays, but is not cached).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..plan import identity
from ..plan.model import RunPlan, StepPlan
from ..records import store
from ..records.model import StepError
from ..step.outcome import StepOutcome
from ..step.staging import is_remote
from . import manifest as manifests
from . import reads
from .digests import DigestMemo


def seal_outputs(step: StepPlan) -> None:
    """Manifests, read-only files and lineage for a step that just finished."""
    step.lineage = {}
    for name, folder in step.outputs.items():
        if is_remote(folder):
            step.lineage[name] = {"from": step.step_run_id, "manifest": None}
            continue
        manifests.make_read_only(Path(folder))
        manifest = manifests.build(Path(folder))
        step.manifests[name] = manifest
        step.lineage[name] = {"from": step.step_run_id, "manifest": manifests.digest(manifest)}


def written_inputs(plan: RunPlan, step: StepPlan) -> StepError | None:
    """An error when the step changed a folder it read (another step's finished output)."""
    for name, folder in step.inputs.items():
        producer = plan.steps[step.producers[name]]
        recorded = producer.manifests.get(name)
        if recorded is None or is_remote(folder):
            continue
        why = manifests.changed(Path(folder), recorded)
        if why:
            return StepError("InputChanged", f"the step wrote into its input {name!r} "
                             f"({folder}: {why}); inputs are the finished outputs of step "
                             f"{producer.name!r} and are read-only: write to the step's "
                             f"outputs instead")
    return None


def changed_datasets(step: StepPlan, digests: DigestMemo, project: Path) -> list[str]:
    """Datasets whose content differs now from when the step's fingerprint was taken."""
    notes = []
    for name, component in step.components.get("inputs", {}).items():
        if component.get("kind") != "dataset":
            continue
        path = Path(step.input_datasets[name]["path"])
        try:
            now = identity.dataset_component(name, path, digests, project, None)["digest"]
        except OSError:
            now = None
        if now != component.get("digest"):
            notes.append(f"dataset {component.get('dataset')}: {component.get('path')} changed "
                         f"while the step ran; its result is not kept for reuse")
    return notes


def final_components(plan: RunPlan, step: StepPlan) -> dict[str, Any]:
    """The step's components with the lineage of the inputs it actually read."""
    parts = dict(step.components)
    inputs = dict(parts.get("inputs", {}))
    for name, producer in step.producers.items():
        inputs[name] = identity.data_input(plan.steps[producer], name)
    parts["inputs"] = inputs
    return parts


def hint_for_permission_error(step: StepPlan, error: StepError | None) -> None:
    """A PermissionError on an input folder says why and what to do instead."""
    if error is None or error.type != "PermissionError":
        return
    for name, folder in step.inputs.items():
        if folder in error.message:
            error.message += (f" (input {name!r} is another step's finished output and is "
                              f"read-only: write to the step's outputs instead)")
            return


def clear_attempt(step: StepPlan) -> None:
    """Before a step's next attempt: nothing the failed one wrote to its outputs or
    metrics may count for the next (outputs on object storage are only uploaded when an
    attempt succeeds)."""
    for folder in step.outputs.values():
        if os.path.isdir(folder):
            shutil.rmtree(folder, ignore_errors=True)
    try:
        os.remove(os.path.join(step.record_dir, store.METRICS))
    except OSError:
        pass
    reads.forget_trace(step.record_dir)


def observed_reads(step: StepPlan, outcome: StepOutcome, digests: DigestMemo,
                   project: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The read set a finished step leaves with its result, or None and why its result is
    not kept for reuse. A step in a kernel of another language records nothing: its
    result is decided by its code, declared dependencies and data only."""
    spec = reads.TraceSpec.of(step)
    if spec is None or not outcome.traced:
        return {"files": dict(step.components.get("imports") or {}), "untraced": True}, None
    return reads.collect(spec.out, project, digests)

