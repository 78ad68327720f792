"""The v1 view of a local run: PipelineRun and StepRun, with v1's method names."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .....run.pipeline_run import PipelineRun as LocalRun
from .....run.status import Status


class ActivityFailedException(Exception):
    """Raised by wait_for_completion when the run failed (as v1 does, unless
    raise_on_error=False)."""


def _utc(t: float | None) -> str | None:
    import datetime

    return None if t is None else datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).isoformat()


class PortDataReference:
    """A step's output, as `step_run.get_output_data(name)` gives it."""

    def __init__(self, name: str, folder: str) -> None:
        self.name = name
        self.path_on_datastore = folder
        self.local_path = folder

    def download(self, local_path: str, overwrite: bool = False, show_progress: bool = True) -> str:
        target = Path(local_path) / self.name
        shutil.copytree(self.local_path, target, dirs_exist_ok=overwrite)
        return str(target)


class StepRun:
    def __init__(self, record: Any, parent: "PipelineRun") -> None:
        self._record = record
        self.parent = parent
        self.name = record.name
        self.id: str = record.step_run_id or record.name

    def get_status(self) -> str:
        return self._record.status.value

    def get_metrics(self, name: str | None = None) -> dict[str, Any]:
        metrics = self._record.get_metrics()
        if name is None:
            return metrics
        return {name: metrics[name]} if name in metrics else {}

    def get_details(self) -> dict[str, Any]:
        r = self._record
        return {"runId": self.id, "status": r.status.value, "startTimeUtc": _utc(r.start_time),
                "endTimeUtc": _utc(r.end_time), "properties": {"reused": r.is_reused},
                "error": r.error.to_dict() if r.error else None, "logFiles": {
                    k: v for k, v in (("stdout", r.stdout), ("stderr", r.stderr),
                                      ("notebook", r.notebook)) if v}}

    def get_output_data(self, name: str) -> PortDataReference:
        return PortDataReference(name, self._record.outputs[name])

    def __repr__(self) -> str:
        return f"StepRun({self.name!r}, status={self.get_status()!r})"


class PipelineRun:
    def __init__(self, run: LocalRun, experiment: Any = None) -> None:
        self.local = run
        self.experiment = experiment
        self.id = run.id

    def wait_for_completion(self, show_output: bool = True,
                            timeout_seconds: float | None = None,
                            raise_on_error: bool = True) -> str:
        status = self.local.wait_for_completion(show_output=show_output,
                                                timeout_seconds=timeout_seconds)
        if raise_on_error and status == Status.FAILED:
            failed = [s for s in self.local.get_steps() if s.status == Status.FAILED]
            why = "; ".join(f"{s.name}: {s.error.headline()}" for s in failed if s.error)
            raise ActivityFailedException(f"run {self.id} failed: {why}")
        return status

    def get_status(self) -> str:
        return self.local.get_status()

    def get_steps(self) -> list[StepRun]:
        return [StepRun(s, self) for s in self.local.get_steps()]

    def find_step_run(self, name: str) -> list[StepRun]:
        return [s for s in self.get_steps() if s.name == name]

    def get_details(self) -> dict[str, Any]:
        r = self.local.record
        return {"runId": self.id, "status": r.status.value, "startTimeUtc": _utc(r.start_time),
                "endTimeUtc": _utc(r.end_time), "properties": {"experiment": r.experiment},
                "parameters": dict(r.parameters)}

    def get_metrics(self) -> dict[str, Any]:
        """Every step's metrics, by step name."""
        return self.local.get_metrics()

    def cancel(self) -> None:
        self.local.cancel()

    def __repr__(self) -> str:
        return f"PipelineRun({self.id!r}, status={self.get_status()!r})"
