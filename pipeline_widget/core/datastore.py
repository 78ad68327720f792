"""Datastores: named root folders (or fsspec URLs) where PipelineData folders live."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import atomic, jsonfiles, locks
from .errors import PipelineError
from .names import check_identifier
from .workspace import DEFAULT_DATASTORE, Workspace


@dataclass(frozen=True)
class Datastore:
    name: str
    url: str  # a local absolute path, or an fsspec URL such as s3://bucket/prefix
    # fsspec options of a remote datastore (s3: endpoint_url, key, secret, ...)
    storage_options: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def is_local(self) -> bool:
        return "://" not in self.url or self.url.startswith("file://")

    @property
    def local_root(self) -> Path:
        if not self.is_local:
            raise PipelineError(f"datastore {self.name!r} ({self.url}) is not on the local disk")
        return Path(self.url[len("file://"):] if self.url.startswith("file://") else self.url)

    def data_path(self, step_run_id: str, data_name: str) -> str:
        """Where a PipelineData lives: <datastore>/<producing step run id>/<name>/."""
        if self.is_local:
            return str(self.local_root / step_run_id / data_name)
        return f"{self.url.rstrip('/')}/{step_run_id}/{data_name}"

    @staticmethod
    def get(workspace: Workspace, name: str) -> "Datastore":
        if name == DEFAULT_DATASTORE:
            return Datastore(DEFAULT_DATASTORE, str(workspace.default_datastore_dir))
        entry = jsonfiles.read_json(workspace.datastores_file, {}).get(name)
        if entry is None:
            raise PipelineError(f"datastore {name!r} is not registered in {workspace.root}; "
                                f"register it with Datastore.register(ws, {name!r}, path_or_url)")
        url = entry["url"]
        return Datastore(name, url if "://" in url else str(workspace.absolute(url)),
                         dict(entry.get("storage_options") or {}))

    @staticmethod
    def register(workspace: Workspace, name: str, url: str, **storage_options) -> "Datastore":
        """Register a folder or an fsspec URL; `storage_options` (e.g. endpoint_url, key,
        secret for s3://) are kept in the workspace's datastores.json and given to fsspec."""
        check_identifier(name, "datastore")
        if name == DEFAULT_DATASTORE:
            raise PipelineError(f"{DEFAULT_DATASTORE!r} is the default datastore; choose another name")
        stored = url if "://" in url else workspace.relative(Path(url).absolute())
        workspace.ensure()
        with locks.lock(workspace.datastores_file):
            table = jsonfiles.read_json(workspace.datastores_file, {})
            table[name] = {"url": stored, **({"storage_options": storage_options}
                                             if storage_options else {})}
            atomic.write_json(workspace.datastores_file, table)
        return Datastore.get(workspace, name)
