"""The run plan as plain data: what each step will see and whether it is reused.

Plans may travel to another process (a Dask worker), so they hold no model objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records import store


@dataclass
class StepPlan:
    """Everything needed to run one step."""

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
    kernel_name: str | None = None   # set for steps that run in a kernel
    interpreter: str | None = None   # a script's Python (None: the runner's own)
    # the step's own variables, references resolved: in memory only, never written out
    environment: dict[str, str] = field(default_factory=dict)
    project: str = ""                # the project folder: its files are traced (reuse/reads.py)
    trace_skip: list[str] = field(default_factory=list)   # covered otherwise: not traced
    snapshot: bool = False           # run in a working copy of cwd (step/snapshot.py)
    selected: bool = True            # False: left out of a partial run
    kept: bool = False               # finished earlier in this same run (resume, --join)
    retries: int = 0                 # attempts after a failure
    timeout: float | None = None
    inputs: dict[str, str] = field(default_factory=dict)       # PipelineData name -> folder
    outputs: dict[str, str] = field(default_factory=dict)      # PipelineData name -> folder
    input_datasets: dict[str, dict] = field(default_factory=dict)
    storage: dict[str, dict] = field(default_factory=dict)   # remote datastore URL -> fsspec options
    upstream: list[str] = field(default_factory=list)
    producers: dict[str, str] = field(default_factory=dict)   # input name -> producing step
    fingerprint: str = ""
    components: dict = field(default_factory=dict)
    # output name -> {"from": producing step run id, "manifest": digest}, once known
    lineage: dict[str, dict] = field(default_factory=dict)
    manifests: dict[str, dict] = field(default_factory=dict)  # output name -> manifest
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
                "metrics_file": str(Path(self.record_dir) / store.METRICS)}


@dataclass
class RunPlan:
    run_id: str
    pipeline_name: str
    parameters: dict[str, Any]
    steps: dict[str, StepPlan]
    upstream: dict[str, list[str]]
    kernels_dir: str = ""   # the kernels' connection files, in the run's folder

    @property
    def to_execute(self) -> list[StepPlan]:
        return [s for s in self.steps.values() if not s.reused and not s.kept and s.selected]
