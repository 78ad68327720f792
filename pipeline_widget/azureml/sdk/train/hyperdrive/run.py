"""The runs of a local HyperDrive sweep: the sweep (HyperDriveRun, HyperDriveStepRun) and
each trial (a child run with its parameters, metrics and files)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from ....missing import MissingNames, module_getattr

SUMMARY = "hyperdrive.json"   # in the step run's record folder


class TrialRun(MissingNames):
    """One trial of a sweep, as v1's child run: id, metrics, details, files."""

    def __init__(self, workspace: Any, trial: dict[str, Any]) -> None:
        self.workspace, self._trial = workspace, trial
        self.id: str = trial["id"]
        self.parameters: dict[str, Any] = trial["parameters"]
        self.folder = Path(trial["folder"])

    def get_status(self) -> str:
        return self._trial["status"]

    def get_metrics(self, name: str | None = None) -> dict[str, Any]:
        metrics = dict(self._trial.get("metrics") or {})
        return metrics if name is None else {k: v for k, v in metrics.items() if k == name}

    def get_details(self) -> dict[str, Any]:
        return {"runId": self.id, "status": self.get_status(),
                "runDefinition": {"arguments": list(self._trial["arguments"])},
                "properties": {"hyperparameters": json.dumps(self.parameters)}}

    def get_file_names(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for sub in ("outputs", "logs")
                      for p in (self.folder / sub).rglob("*") if p.is_file())

    def download_file(self, name: str, output_file_path: str | None = None,
                      _validate_checksum: bool = False) -> None:
        from .....core.containment import inside

        source = inside(self.folder, name, f"file {name!r}")
        if not source.is_file():
            raise PipelineError(f"trial {self.id} has no file {name!r}; its files: "
                                f"{self.get_file_names()}")
        target = Path(output_file_path or source.name)
        if target.is_dir():
            target = target / source.name
        shutil.copyfile(source, target)

    def register_model(self, model_name: str, model_path: str | None = None,
                       tags: dict | None = None, properties: dict | None = None,
                       description: str | None = None, **kwargs: Any) -> Any:
        from .....core.containment import inside
        from ...core.model import Model

        source = inside(self.folder, model_path or "outputs", f"model path {model_path!r}")
        return Model.register(self.workspace, str(source), model_name, tags=tags,
                              properties=properties, description=description, _run_id=self.id)

    def __repr__(self) -> str:
        return f"Run(id={self.id!r}, parameters={self.parameters})"


class HyperDriveStepRun(MissingNames):
    """v1's view of a HyperDrive step's run: its trials, and the best one."""

    def __init__(self, step_run: Any) -> None:
        self.step_run = step_run
        record = getattr(step_run, "_record", None)
        folder = getattr(record, "record_dir", None) or _folder_of(record)
        self.workspace = step_run.parent.workspace
        self._summary = _read(Path(self.workspace.absolute(folder)) / SUMMARY) if folder \
            else None
        self.id = step_run.id

    def _trials(self) -> list[dict[str, Any]]:
        if self._summary is None:
            raise PipelineError(f"step run {self.id} is not a finished HyperDrive step")
        return self._summary["trials"]

    def get_children(self) -> list[TrialRun]:
        return [TrialRun(self.workspace, t) for t in self._trials()]

    def get_children_sorted_by_primary_metric(self, top: int = 0, reverse: bool = False,
                                              discard_no_metric: bool = False
                                              ) -> list[dict[str, Any]]:
        assert self._summary is not None
        goal_max = self._summary["goal"] == "MAXIMIZE"
        scored = [t for t in self._trials() if t.get("best_value") is not None]
        scored.sort(key=lambda t: t["best_value"], reverse=goal_max != reverse)
        rows = [{"run_id": t["id"], "hyperparameters": json.dumps(t["parameters"]),
                 "best_primary_metric": t["best_value"], "status": t["status"]}
                for t in scored]
        return rows[:top] if top else rows

    def get_best_run_by_primary_metric(self, include_failed: bool = True,
                                       include_canceled: bool = True,
                                       include_resume_from_runs: bool = True) -> Any:
        assert self._summary is not None
        best = self._summary.get("best")
        return next((TrialRun(self.workspace, t) for t in self._trials() if t["id"] == best),
                    None)

    def get_metrics(self) -> dict[str, dict[str, Any]]:
        return {t["id"]: t.get("metrics") or {} for t in self._trials()}

    def get_hyperparameters(self) -> dict[str, str]:
        return {t["id"]: json.dumps(t["parameters"]) for t in self._trials()}


def _folder_of(record: Any) -> str | None:
    for path in (getattr(record, "stdout", None), getattr(record, "notebook", None)):
        if path:
            return str(Path(path).parent)
    return None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class HyperDriveRun(MissingNames):
    """A HyperDriveConfig submitted alone: the pipeline run of its one sweep step."""

    def __init__(self, pipeline_run: Any, step_name: str) -> None:
        self.pipeline_run, self.step_name = pipeline_run, step_name
        self.id = pipeline_run.id

    def wait_for_completion(self, show_output: bool = True,
                            timeout_seconds: float | None = None,
                            raise_on_error: bool = True) -> str:
        return self.pipeline_run.wait_for_completion(show_output, timeout_seconds,
                                                     raise_on_error)

    def get_status(self) -> str:
        return self.pipeline_run.get_status()

    def _step(self) -> HyperDriveStepRun:
        (step,) = self.pipeline_run.find_step_run(self.step_name)
        return HyperDriveStepRun(step)

    def get_best_run_by_primary_metric(self, **kwargs: Any) -> Any:
        return self._step().get_best_run_by_primary_metric()

    def get_children_sorted_by_primary_metric(self, top: int = 0, reverse: bool = False,
                                              discard_no_metric: bool = False) -> list[dict]:
        return self._step().get_children_sorted_by_primary_metric(top, reverse)

    def get_children(self) -> list[TrialRun]:
        return self._step().get_children()

    def get_metrics(self) -> dict[str, dict[str, Any]]:
        return self._step().get_metrics()

    def cancel(self) -> None:
        self.pipeline_run.cancel()


__getattr__ = module_getattr(__name__)
