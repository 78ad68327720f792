"""azureml.core.Workspace: a local workspace, found from config.json as v1 finds its own."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ....core.errors import PipelineError
from ....core.workspace import Workspace as LocalWorkspace
from ....core.workspace import find_project
from ...ignored import ignore
from ...missing import MissingNames, module_getattr, no_local_version
from ...registries import table
from .compute import AmlCompute, ComputeTarget, executors
from .datastore import Datastore

CONFIG_NAMES = ("config.json", os.path.join(".azureml", "config.json"))
# Set by `pipeline-widget --workspace DIR azureml ...`: the project folder every v1
# Workspace of the process (and of the kernel it starts) uses, whatever config.json says.
FOLDER_ENV = "PIPELINE_WIDGET_AZUREML_WORKSPACE"
LOCATION = "local"


def _folder(default: str | os.PathLike | None) -> Path:
    chosen = os.environ.get(FOLDER_ENV)
    return Path(chosen) if chosen else Path(default or Path.cwd())


class Workspace(MissingNames, LocalWorkspace):
    """Azure ML's Workspace as a local one. Its project folder is the folder of the
    config.json that `from_config` finds, else the current folder."""

    def __init__(self, subscription_id: str | None = None, resource_group: str | None = None,
                 workspace_name: str | None = None, folder: str | os.PathLike | None = None,
                 **ignored: Any) -> None:
        super().__init__(_folder(folder))
        self.subscription_id = subscription_id or "local"
        self.resource_group = resource_group or "local"
        self.name = workspace_name or "local"
        self.location = LOCATION
        self.sku = "Basic"
        self.tags: dict[str, str] = {}
        self.discovery_url = None
        if set(ignored) - {"auth", "_location", "_disable_service_check"}:
            ignore("Workspace(" + ", ".join(ignored) + ")")

    @staticmethod
    def from_config(path: str | os.PathLike | None = None, auth: Any = None,
                    _logger: Any = None, _file_name: str | None = None) -> "Workspace":
        """Search `path` (default: the current folder) and the folders above it for
        config.json or .azureml/config.json; without one, the current folder's workspace."""
        if os.environ.get(FOLDER_ENV):
            start = _folder(None).absolute()
            found = [start / n for n in CONFIG_NAMES if (start / n).is_file()]
            return Workspace._from_file(found[0]) if found else Workspace(folder=start)
        start = Path(path or Path.cwd()).absolute()
        if start.is_file():
            return Workspace._from_file(start)
        names = (_file_name,) if _file_name else CONFIG_NAMES
        for folder in [start, *start.parents]:
            for name in names:
                if (folder / name).is_file():
                    return Workspace._from_file(folder / name)
        return Workspace(folder=find_project(start))

    @staticmethod
    def _from_file(config: Path) -> "Workspace":
        try:
            data = json.loads(config.read_text())
        except (OSError, ValueError):
            data = {}
        data = data if isinstance(data, dict) else {}
        project = config.parent.parent if config.parent.name == ".azureml" else config.parent
        return Workspace(data.get("subscription_id"), data.get("resource_group"),
                         data.get("workspace_name"), folder=project)

    @staticmethod
    def get(name: str, auth: Any = None, subscription_id: str | None = None,
            resource_group: str | None = None, **ignored: Any) -> "Workspace":
        return Workspace(subscription_id, resource_group, name)

    @staticmethod
    def create(name: str, auth: Any = None, subscription_id: str | None = None,
               resource_group: str | None = None, location: str | None = None,
               create_resource_group: bool = True, exist_ok: bool = False,
               show_output: bool = True, **ignored: Any) -> "Workspace":
        return Workspace(subscription_id, resource_group, name)

    @staticmethod
    def list(subscription_id: str | None = None, auth: Any = None,
             resource_group: str | None = None) -> dict[str, list["Workspace"]]:
        ws = Workspace.from_config()
        return {ws.name: [ws]}

    def get_default_datastore(self) -> Datastore:
        chosen = table.read(self, "workspace").get("default_datastore")
        if chosen:
            return Datastore.get(self, chosen)
        return Datastore.of(super().get_default_datastore())

    def set_default_datastore(self, name: str) -> None:
        """The datastore get_default_datastore gives from now on (kept in the workspace).
        A PipelineData given no datastore still lives in workspaceblobstore."""
        Datastore.get(self, name)   # refuses an unknown name, with the fix
        with table.change(self, "workspace") as settings:
            settings["default_datastore"] = name

    def get_details(self) -> dict[str, Any]:
        """v1's details, as this workspace has them."""
        return {"id": f"/subscriptions/{self.subscription_id}/resourceGroups/"
                      f"{self.resource_group}/providers/Microsoft.MachineLearningServices/"
                      f"workspaces/{self.name}",
                "name": self.name, "location": self.location, "sku": self.sku,
                "workspaceid": str(self.root), "description": "local workspace",
                "friendlyName": self.name, "tags": dict(self.tags)}

    def get_mlflow_tracking_uri(self) -> str:
        no_local_version("Workspace.get_mlflow_tracking_uri",
                         "log metrics with Run.get_context().log(...) instead")

    def get_run(self, run_id: str) -> Any:
        from .run import get_run

        return get_run(self, run_id)

    @property
    def datastores(self) -> dict[str, Datastore]:
        return {n: Datastore.of(d) for n, d in super().datastores.items()}

    @property
    def compute_targets(self) -> dict[str, ComputeTarget]:
        """The compute targets created (or mapped in compute_targets.json), by name."""
        return {n: AmlCompute(self, n) for n in executors(self)}

    @property
    def experiments(self) -> dict[str, Any]:
        """The experiments that have runs in this workspace, by name."""
        from .experiment import Experiment

        return {e.name: e for e in Experiment.list(self)}

    def executors(self) -> dict[str, str]:
        """Compute target names mapped to executors (e.g. "dask://host:8786"); a name not
        there runs locally."""
        return executors(self)

    def write_config(self, path: str | None = None, file_name: str | None = None) -> str:
        """Write .azureml/config.json under `path` (default: the project folder), which
        from_config then finds, as v1 does."""
        folder = Path(path) if path else self.path / ".azureml"
        if folder.exists() and not folder.is_dir():
            raise PipelineError(f"write_config: {folder} is a file; give a folder")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (file_name or "config.json")
        target.write_text(json.dumps({"subscription_id": self.subscription_id,
                                      "resource_group": self.resource_group,
                                      "workspace_name": self.name}, indent=4) + "\n")
        return str(target)

    def __repr__(self) -> str:
        return f"Workspace({self.name!r}, local={str(self.path)!r})"


__getattr__ = module_getattr(__name__)
