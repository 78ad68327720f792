"""Fingerprint stage: everything declared that decides a step's result, as components and
a digest.

Code: the source's code (a notebook's code cells and execution tags; a script's
text) and the files it declares as dependencies; not the rest of its folder. Data: a
content digest of each dataset, and for each PipelineData input the run and digest of
the exact output it reads (lineage). Also parameters, arguments, kernel and options.
What the step reads beyond that (its modules, undeclared files, environment variables,
installed packages) is observed while it runs and checked per result (reuse/reads.py);
the project modules its code seems to import ("imports", read from the code) serve
only to name a reason before any run was observed, and are not in the digest.
"""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from ...core.pipeline_data import PipelineParameter
from ...core.steps import Step
from ...core.workspace import project_relative as relative
from .. import environments
from ..reuse import imports
from ..reuse.digests import DigestMemo, digest_json
from .model import StepPlan


class Values:
    """A step's references in one run (core's `Binding`)."""

    def __init__(self, plan: StepPlan, parameters: dict[str, Any]) -> None:
        self.plan, self.parameters = plan, parameters

    def data(self, name: str) -> str:
        return self.plan.outputs.get(name) or self.plan.inputs[name]

    def dataset(self, name: str) -> str:
        return str(self.plan.input_datasets[name]["path"])

    def parameter(self, name: str) -> Any:
        return self.parameters[name]


def imported_files(step: Step, digests: DigestMemo, project: Path,
                   seen: dict[Any, list[Path]]) -> dict[str, str]:
    """project-relative path -> digest of the project modules the step's code seems to
    import (read, not run: the observed read set decides once a run exists). `seen`: what
    was found for other steps of the same plan, by code and folder (steps that share a
    script or notebook are read once)."""
    source = step.source
    files: dict[str, str] = {}
    if not source.is_file():
        return files
    sources = step.python_sources(source.read_bytes())
    key = (tuple(sources), str(step.cwd))
    found = seen.get(key)
    if found is None:
        found = seen[key] = imports.local_modules(sources, step.cwd, project)
    for module in found:
        if module != source.resolve():
            files.setdefault(relative(module, project), digests.file(module))
    return files


def code_files(step: Step, digests: DigestMemo, project: Path) -> dict[str, str]:
    """project-relative path -> digest of the source and its declared dependencies."""
    files = {relative(path, project): digests.file(path, step.kind, step.code_text)
             for path in step.source_files()}
    for pattern in step.dependencies:
        for match in sorted(glob.glob(pattern, recursive=True)):
            path = Path(match)
            found = digests.tree_files(path) if path.is_dir() else {"": digests.file(path)}
            for name, digest in found.items():
                files[relative(path / name if name else path, project)] = digest
    return files


def dataset_component(name: str, path: Path, digests: DigestMemo, project: Path,
                      registered: str | None) -> dict[str, Any]:
    files = digests.tree_files(path) if path.is_dir() else {"": digests.file(path)}
    return {"kind": "dataset", "dataset": registered or name, "path": relative(path, project),
            "digest": digest_json(sorted(files.items())), "files": files}


def data_input(producer: StepPlan, name: str) -> dict[str, Any]:
    """The lineage of PipelineData `name` as its producer leaves it: its step run and the
    digest of what it produced (None until the producer has finished)."""
    return {"kind": "data", **producer.lineage.get(
        name, {"from": producer.step_run_id, "manifest": None})}


def components(step: Step, plan: StepPlan, values: Values, digests: DigestMemo,
               project: Path, upstream: dict[str, StepPlan],
               seen_imports: dict[Any, list[Path]]) -> dict[str, Any]:
    inputs: dict[str, dict] = {}
    for d in step.input_data:
        inputs[d.name] = data_input(upstream[d.name], d.name)
    for ds in step.named_datasets:
        inputs[ds.name] = dataset_component(ds.name, Path(ds.dataset.path), digests, project,
                                            ds.dataset.name)
    for p in step.inputs:
        if isinstance(p, PipelineParameter):
            inputs[p.name] = {"kind": "parameter", "value": values.parameter(p.name)}
    return {"kind": step.kind, "noun": step.noun, "source": relative(step.source, project),
            "code": code_files(step, digests, project),
            "imports": imported_files(step, digests, project, seen_imports),
            "declared": [relative(Path(d), project) for d in step.dependencies],
            "kernel": plan.kernel_name, **step.identity(values),
            "environment": environments.identity(step, plan.kernel_name, plan.interpreter,
                                                 plan.environment, digests),
            "options": {"timeout": step.timeout}, "outputs": [o.name for o in step.outputs],
            "inputs": inputs}


NOT_IN_DIGEST = ("imports",)


def fingerprint(parts: dict[str, Any]) -> str:
    return digest_json({k: v for k, v in parts.items() if k not in NOT_IN_DIGEST})
