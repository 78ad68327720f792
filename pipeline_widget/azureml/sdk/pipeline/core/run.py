"""The v1 view of a local run: PipelineRun and StepRun, with v1's method names."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from .....run.pipeline_run import PipelineRun as LocalRun
from .....run.status import Status
from ....missing import MissingNames, module_getattr
from ....registries import runs as run_registry
from ...exceptions import ActivityFailedException


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


class StepRun(run_registry.Tagged, MissingNames):
    def __init__(self, record: Any, parent: "PipelineRun") -> None:
        self._record = record
        self.parent = parent
        self.name = record.name
        self.id: str = record.step_run_id or record.name

    def _where(self) -> tuple[Any, str, str | None]:
        return self.parent.workspace, self.parent.id, self.name

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
        if name not in self._record.outputs:
            raise PipelineError(f"step {self.name!r} has no output {name!r}; its outputs: "
                                f"{sorted(self._record.outputs)}")
        return PortDataReference(name, self._path(self._record.outputs[name]))

    def get_outputs(self) -> dict[str, PortDataReference]:
        return {name: self.get_output_data(name) for name in self._record.outputs}

    get_output = get_output_data

    def _path(self, stored: str) -> str:
        """A path of the record, as it is on this machine (records keep them relative)."""
        return str(self.parent.workspace.absolute(stored))

    def _log(self, which: str) -> str:
        stored = getattr(self._record, which, None)
        try:
            return Path(self._path(stored)).read_text(errors="replace") if stored else ""
        except OSError:
            return ""

    def get_stdout_log(self) -> str:
        return self._log("stdout")

    def get_stderr_log(self) -> str:
        return self._log("stderr")

    def get_job_log(self) -> str:
        """What the step printed, then what it wrote to stderr."""
        return self.get_stdout_log() + self.get_stderr_log()

    def get_details_with_logs(self) -> dict[str, Any]:
        return {**self.get_details(), "logFiles": {"stdout": self.get_stdout_log(),
                                                   "stderr": self.get_stderr_log()}}

    def _file_roots(self) -> list[Path]:
        """Where the step run's files are: its snapshot (./outputs, ./logs) and uploads."""
        folder = self._record.record_dir
        if not folder:
            return []
        base = Path(self._path(folder))
        return [base / "snapshot", base / "artifacts"]

    def get_file_names(self) -> list[str]:
        names: set[str] = set()
        for root in self._file_roots():
            for sub in (("outputs", "logs") if root.name == "snapshot" else ("",)):
                found = root / sub
                if found.is_dir():
                    names.update(p.relative_to(root).as_posix() for p in found.rglob("*")
                                 if p.is_file())
        return sorted(names)

    def _file(self, name: str) -> Path:
        from .....core.containment import inside

        for root in self._file_roots():
            if root.is_dir():
                candidate = inside(root, name, f"file name {name!r}")
                if candidate.exists():
                    return candidate
        raise PipelineError(f"step run {self.id} has no file {name!r}; its files: "
                            f"{self.get_file_names()}")

    def download_file(self, name: str, output_file_path: str | None = None,
                      _validate_checksum: bool = False) -> None:
        source = self._file(name)
        target = Path(output_file_path or source.name)
        if target.is_dir():
            target = target / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def download_files(self, prefix: str | None = None, output_directory: str | None = None,
                       output_paths: Any = None, batch_size: int = 100,
                       append_prefix: bool = True, timeout_seconds: Any = None) -> None:
        for name in self.get_file_names():
            if prefix is None or name.startswith(prefix):
                self.download_file(name, str(Path(output_directory or ".") / name))

    def register_model(self, model_name: str, model_path: str | None = None,
                       tags: dict | None = None, properties: dict | None = None,
                       description: str | None = None, **kwargs: Any) -> Any:
        """Register a file or folder of this step run (./outputs, uploads) as a model."""
        from ...core.model import Model

        return Model.register(self.parent.workspace, str(self._file(model_path or "outputs")),
                              model_name, tags=tags, properties=properties,
                              description=description, _run_id=self.id,
                              _pipeline_run_id=self.parent.id)

    def wait_for_completion(self, show_output: bool = True, timeout_seconds: float | None = None,
                            raise_on_error: bool = True) -> str:
        self.parent.wait_for_completion(False, timeout_seconds, raise_on_error=False)
        self._record = self.parent.local.get_step(self.name)
        return self.get_status()

    def __repr__(self) -> str:
        return f"StepRun({self.name!r}, status={self.get_status()!r})"


class PipelineRun(run_registry.Tagged, MissingNames):
    """A pipeline run, live in this process or read from its record."""

    def __init__(self, run: Any, run_id: str | None = None, experiment: Any = None,
                 **kwargs: Any) -> None:
        """A local run's handle; or, as in v1, PipelineRun(experiment, run_id): that run of
        the experiment's workspace."""
        if run_id is not None or not isinstance(run, LocalRun):
            if run_id is None or not hasattr(run, "workspace"):
                raise PipelineError("PipelineRun(experiment, run_id) needs the experiment and "
                                    "the run's id (see `pipeline-widget runs`)")
            experiment, run = run, LocalRun.get(run.workspace, run_id)
        self.local = run
        self.workspace = run.workspace
        if experiment is None:
            from ...core.experiment import Experiment

            experiment = Experiment(run.workspace, run.experiment_name)
        self.experiment = experiment
        self.id = run.id
        self.name = run.id

    @staticmethod
    def get(workspace: Any, run_id: str) -> "PipelineRun":
        return PipelineRun(LocalRun.get(workspace, run_id))

    def get_file_names(self) -> list[str]:
        return []

    def failure_summary(self) -> str:
        failed = [s for s in self.local.get_steps() if s.status == Status.FAILED]
        return "; ".join(f"{s.name}: {s.error.headline()}" for s in failed if s.error)

    def wait_for_completion(self, show_output: bool = True,
                            timeout_seconds: float | None = None,
                            raise_on_error: bool = True) -> str:
        status = self.local.wait_for_completion(show_output=show_output,
                                                timeout_seconds=timeout_seconds)
        if raise_on_error and status == Status.FAILED:
            raise ActivityFailedException(f"run {self.id} failed: {self.failure_summary()}")
        return status

    def get_status(self) -> str:
        return self.local.get_status()

    def get_steps(self) -> list[StepRun]:
        return [StepRun(s, self) for s in self.local.get_steps()]

    get_children = get_steps

    def find_step_run(self, name: str) -> list[StepRun]:
        return [s for s in self.get_steps() if s.name == name]

    def log(self, name: str, value: Any, description: str = "") -> None:
        run_registry.log(self.workspace, self.id, name, value)

    def get_pipeline_output(self, pipeline_output_name: str) -> PortDataReference:
        """A step output by its PipelineData name (the pipeline's outputs are its steps')."""
        for step in self.local.get_steps():
            if pipeline_output_name in step.outputs:
                return PortDataReference(pipeline_output_name, step.outputs[pipeline_output_name])
        raise PipelineError(f"run {self.id} has no output named {pipeline_output_name!r}")

    def publish_pipeline(self, name: str, description: str = "", version: str | None = None,
                         continue_on_step_failure: bool | None = None, **kwargs: Any) -> Any:
        """Publish the pipeline this run ran (see Pipeline.publish)."""
        from .published import PublishedPipeline

        return PublishedPipeline.create(self.workspace, self.local.record.pipeline,
                                        str(self.local.record.base_dir), name, description,
                                        version, bool(continue_on_step_failure))

    def get_details(self) -> dict[str, Any]:
        r = self.local.record
        return {"runId": self.id, "status": r.status.value, "startTimeUtc": _utc(r.start_time),
                "endTimeUtc": _utc(r.end_time), "properties": {"experiment": r.experiment},
                "parameters": dict(r.parameters), "tags": self.get_tags()}

    def get_metrics(self, name: str | None = None, recursive: bool = False) -> dict[str, Any]:
        """What the steps logged on this run (`run.parent.log`), and with recursive=True
        (or as before, by default when nothing was) every step's metrics, by step name."""
        own = run_registry.metrics(self.workspace, self.id)
        if recursive or not own:
            own = {**self.local.get_metrics(), **own}
        return own if name is None else {k: v for k, v in own.items() if k == name}

    def cancel(self) -> None:
        self.local.cancel()

    def __repr__(self) -> str:
        return f"PipelineRun({self.id!r}, status={self.get_status()!r})"


__getattr__ = module_getattr(__name__)
