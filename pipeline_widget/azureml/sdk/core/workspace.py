"""azureml.core.Workspace: a local workspace, found from config.json as v1 finds its own."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ....core.workspace import Workspace as LocalWorkspace
from ...ignored import ignore
from .datastore import Datastore

CONFIG_NAMES = ("config.json", os.path.join(".azureml", "config.json"))
COMPUTE_TARGETS = "compute_targets.json"   # in the local workspace: target name -> executor


class Workspace(LocalWorkspace):
    """Azure ML's Workspace as a local one. Its project folder is the folder of the
    config.json that `from_config` finds, else the current folder."""

    def __init__(self, subscription_id: str | None = None, resource_group: str | None = None,
                 workspace_name: str | None = None, folder: str | os.PathLike | None = None,
                 **ignored: Any) -> None:
        super().__init__(folder or Path.cwd())
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.name = workspace_name or "local"
        if ignored:
            ignore("Workspace(" + ", ".join(ignored) + ")")

    @staticmethod
    def from_config(path: str | os.PathLike | None = None, auth: Any = None,
                    _logger: Any = None, _file_name: str | None = None) -> "Workspace":
        """Search `path` (default: the current folder) and the folders above it for
        config.json or .azureml/config.json; without one, the current folder's workspace."""
        start = Path(path or Path.cwd()).absolute()
        if start.is_file():
            return Workspace._from_file(start)
        names = (_file_name,) if _file_name else CONFIG_NAMES
        for folder in [start, *start.parents]:
            for name in names:
                if (folder / name).is_file():
                    return Workspace._from_file(folder / name)
        return Workspace(folder=start)

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

    def get_default_datastore(self) -> Datastore:
        return Datastore.of(super().get_default_datastore())

    @property
    def datastores(self) -> dict[str, Datastore]:
        return {n: Datastore.of(d) for n, d in super().datastores.items()}

    @property
    def compute_targets(self) -> dict[str, str]:
        """Compute target names mapped to executors (e.g. "dask://host:8786"), from
        compute_targets.json in the local workspace; a name not there runs locally."""
        try:
            data = json.loads((self.root / COMPUTE_TARGETS).read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def write_config(self, path: str | None = None, file_name: str | None = None) -> None:
        ignore("Workspace.write_config")

    def __repr__(self) -> str:
        return f"Workspace({self.name!r}, local={str(self.path)!r})"
