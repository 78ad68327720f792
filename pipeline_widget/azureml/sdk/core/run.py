"""azureml.core.Run: a step's view of its run, with what v1 code reads of it: the pipeline
run (`run.parent`: log, tags, metrics, cancel), the experiment and its workspace, tags,
uploads and model registration. Outside a pipeline, an offline run as v1 has."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ....core.errors import PipelineError
from ....run.context import OfflineRun as LocalOfflineRun
from ....run.context import Run as LocalRun
from ...missing import MissingNames, module_getattr
from ...registries import runs as run_registry

MOUNTED_ENV = "PIPELINE_WIDGET_AZUREML_MOUNTED"   # set by the step (pipeline/steps/base.py)


def workspace_of(metrics_file: str | None) -> Any:
    """The workspace a step runs in: its record folder is <root>/runs/<run>/steps/<step>/."""
    from .workspace import Workspace

    if not metrics_file:
        return Workspace.from_config()
    return Workspace(folder=Path(metrics_file).absolute().parents[4])


class Experiment(MissingNames):
    """`run.experiment`: the experiment's name and workspace."""

    def __init__(self, workspace: Any, name: str) -> None:
        self.workspace, self.name = workspace, name

    def __repr__(self) -> str:
        return f"Experiment({self.name!r})"


class ParentRun(run_registry.Tagged, MissingNames):
    """`run.parent`: the pipeline run a step belongs to."""

    def __init__(self, workspace: Any, run_id: str) -> None:
        self.workspace, self.id = workspace, run_id
        self.name = run_id

    def _record(self) -> Any:
        from ....run.records import store

        return store.load(self.workspace, self.id)

    @property
    def experiment(self) -> Experiment:
        return Experiment(self.workspace, self._record().experiment)

    def log(self, name: str, value: Any, description: str = "") -> None:
        run_registry.log(self.workspace, self.id, name, value)

    def get_metrics(self, name: str | None = None, recursive: bool = False) -> dict[str, Any]:
        found = run_registry.metrics(self.workspace, self.id)
        return found if name is None else {k: v for k, v in found.items() if k == name}

    def get_status(self) -> str:
        return self._record().status.value

    def get_details(self) -> dict[str, Any]:
        record = self._record()
        return {"runId": self.id, "status": record.status.value, "tags": self.get_tags(),
                "properties": {"experiment": record.experiment}}

    def cancel(self) -> None:
        """Ask the process running this pipeline run to cancel it (steps running stop,
        the others do not start): a request in its record folder (run/cancel.py)."""
        from ....run.cancel import request

        request(self.workspace, self.id)

    def __repr__(self) -> str:
        return f"PipelineRun({self.id!r})"


class Run(run_registry.Tagged, MissingNames, LocalRun):
    """The context of a running step (v1's `Run.get_context()`). A file dataset the step
    consumes as mount or download is, in input_datasets, the path of its data, as in v1."""

    def __init__(self, context: dict) -> None:
        from .dataset import of

        super().__init__(context)
        self.input_datasets = {n: of(d) for n, d in self.input_datasets.items()}
        mounted = os.environ.get(MOUNTED_ENV, "")
        for name in filter(None, mounted.split(",")):
            dataset = self.input_datasets.get(name)
            if dataset is not None:
                self.input_datasets[name] = dataset.path  # type: ignore[assignment]

    @staticmethod
    def get_context(allow_offline: bool = True, used_for_context_manager: bool = False,
                    **kwargs: Any) -> Any:
        found = LocalRun.get_context()
        if isinstance(found, LocalOfflineRun):
            if not allow_offline:
                raise PipelineError("Run.get_context(allow_offline=False) outside a pipeline "
                                    "run: run this code as a step, or allow an offline run")
            return OfflineRun()
        return Run(found._context)

    @property
    def workspace(self) -> Any:
        return workspace_of(self._metrics_file)

    @property
    def parent(self) -> ParentRun:  # type: ignore[override]
        return ParentRun(self.workspace, self.run_id)

    def _where(self) -> tuple[Any, str, str | None]:
        """A step run's tags are its step's in the pipeline run's record."""
        return self.workspace, self.run_id, self.step_name

    @property
    def experiment(self) -> Experiment:  # type: ignore[override]
        return self.parent.experiment

    @property
    def name(self) -> str:
        return self.step_name

    def get_status(self) -> str:
        return "Running"

    def get_details(self) -> dict[str, Any]:
        return {"runId": self.id, "status": "Running", "tags": self.get_tags()}

    def _artifacts(self) -> Path:
        return Path(self._metrics_file or ".").absolute().parent / "artifacts"

    def upload_file(self, name: str, path_or_stream: Any, datastore_name: str | None = None
                    ) -> None:
        """Keep a file with the step run (in its record folder's artifacts/)."""
        target = _inside(self._artifacts(), name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if hasattr(path_or_stream, "read"):
            data = path_or_stream.read()
            target.write_bytes(data.encode() if isinstance(data, str) else data)
        else:
            shutil.copyfile(path_or_stream, target)

    def upload_files(self, names: list[str], paths: list[str], **kwargs: Any) -> None:
        for name, path in zip(names, paths):
            self.upload_file(name, path)

    def upload_folder(self, name: str, path: str, datastore_name: str | None = None) -> None:
        shutil.copytree(path, _inside(self._artifacts(), name), dirs_exist_ok=True)

    def get_file_names(self) -> list[str]:
        found = []
        for root in (self._artifacts(), Path.cwd()):
            if root.is_dir():
                for sub in ("", ) if root == self._artifacts() else ("outputs", "logs"):
                    base = root / sub
                    found += [p.relative_to(root).as_posix() for p in base.rglob("*")
                              if p.is_file()] if base.is_dir() else []
        return sorted(set(found))

    def model_source(self, model_path: str) -> Path:
        """Where a path of this run's files is: its artifacts, else its working folder
        (./outputs stays there)."""
        for root in (self._artifacts(), Path.cwd()):
            candidate = _inside(root, model_path)
            if candidate.exists():
                return candidate
        raise PipelineError(f"register_model: {model_path!r} is not among this run's files "
                            f"(./outputs or uploaded); write it there first")

    def register_model(self, model_name: str, model_path: str | None = None,
                       tags: dict | None = None, properties: dict | None = None,
                       model_framework: str | None = None, model_framework_version: str | None
                       = None, description: str | None = None, datasets: Any = None,
                       **kwargs: Any) -> Any:
        from .model import Model

        return Model.register(self.workspace, str(self.model_source(model_path or "outputs")),
                              model_name, tags=tags, properties=properties,
                              description=description, _run_id=self.id,
                              _pipeline_run_id=self.run_id)

    def __repr__(self) -> str:
        return f"Run(step={self.step_name!r}, id={self.id!r})"


def _inside(root: Path, name: str) -> Path:
    from ....core.containment import inside

    return inside(root, name, f"artifact name {name!r}")


class OfflineRun(MissingNames, LocalOfflineRun):
    """Outside a pipeline, as v1's offline run: logs print, tags are kept in memory."""

    def __init__(self) -> None:
        super().__init__()
        self._tags: dict[str, str] = {}

    def tag(self, key: str, value: Any = None) -> None:
        self._tags[key] = "" if value is None else str(value)

    def set_tags(self, tags: dict[str, Any]) -> None:
        for k, v in tags.items():
            self.tag(k, v)

    def get_tags(self) -> dict[str, str]:
        return dict(self._tags)

    @property
    def tags(self) -> dict[str, str]:
        return self.get_tags()

    def upload_file(self, name: str, path_or_stream: Any, **kwargs: Any) -> None:
        print(f"Attempted to upload file {name}")

    def upload_folder(self, name: str, path: str, **kwargs: Any) -> None:
        print(f"Attempted to upload folder {name}")

    def register_model(self, model_name: str, model_path: str | None = None,
                       **kwargs: Any) -> Any:
        raise PipelineError("register_model on an offline run: register with "
                            "Model.register(workspace, model_path, model_name) instead")

    def get_status(self) -> str:
        return "Running"


class InteractiveRun(OfflineRun):
    """`experiment.start_logging()`: a run of the notebook itself; what it logs and its tags
    are kept in the workspace under its id (pipeline_workspace/azureml/runs.json)."""

    def __init__(self, workspace: Any, experiment: str) -> None:
        import time

        super().__init__()
        self.workspace, self.experiment_name = workspace, experiment
        self.id = self.run_id = f"{experiment}_{time.strftime('%Y%m%d_%H%M%S')}_interactive"
        self._status = "Running"

    @property
    def experiment(self) -> Any:  # type: ignore[override]
        from .experiment import Experiment

        return Experiment(self.workspace, self.experiment_name)

    def log(self, name: str, value: Any, description: str = "") -> None:
        run_registry.log(self.workspace, self.id, name, value)

    def get_metrics(self, name: str | None = None) -> dict[str, Any]:
        found = run_registry.metrics(self.workspace, self.id)
        return found if name is None else {k: v for k, v in found.items() if k == name}

    def tag(self, key: str, value: Any = None) -> None:
        run_registry.set_tags(self.workspace, self.id, {key: value})

    def set_tags(self, tags: dict[str, Any]) -> None:
        run_registry.set_tags(self.workspace, self.id, tags)

    def get_tags(self) -> dict[str, str]:
        return run_registry.tags(self.workspace, self.id)

    def complete(self) -> None:
        self._status = "Completed"

    def fail(self, error_details: Any = None, **kwargs: Any) -> None:
        self._status = "Failed"

    def get_status(self) -> str:
        return self._status

    def __enter__(self) -> "InteractiveRun":
        return self

    def __exit__(self, kind: Any, value: Any, trace: Any) -> None:
        self.complete() if kind is None else self.fail()


def get_run(workspace: Any, run_id: str) -> Any:
    """A pipeline run of the workspace by its id (v1's `azureml.core.get_run`)."""
    from ..pipeline.core.run import PipelineRun

    return PipelineRun.get(workspace, run_id)


__all__ = ["OfflineRun", "Run", "get_run"]
__getattr__ = module_getattr(__name__)
