"""The reuse cache: fingerprint -> the outputs of an earlier successful step run.

Entries are written only after a step finished, by atomic rename, so a failed,
canceled or killed step never offers half-written outputs. Paths in entries are
relative to the project, so a moved or re-cloned project keeps its reuse.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...core import atomic, jsonfiles
from ...core.names import slug
from ...core.workspace import Workspace
from ..records.model import PathCodec
from . import manifest as manifests
from .digests import DigestMemo


class ReuseCache:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.root = workspace.cache_dir
        self.paths = PathCodec(workspace.path)
        self.digests = DigestMemo(self.root / "digests.json", workspace.path)

    def _entry_path(self, fingerprint: str) -> Path:
        return self.root / "steps" / fingerprint[:2] / f"{fingerprint}.json"

    def _latest_path(self, pipeline: str, step_slug: str) -> Path:
        return self.root / "latest" / slug(pipeline) / f"{step_slug}.json"

    def lookup(self, fingerprint: str) -> dict | None:
        """The entry for `fingerprint` (paths made absolute), or None; see `damage`."""
        entry = jsonfiles.read_json_lenient(self._entry_path(fingerprint))
        if not isinstance(entry, dict) or not isinstance(entry.get("outputs"), dict) \
                or not isinstance(entry.get("manifests", {}), dict):
            return None  # absent, or not of this shape: counts as absent
        entry = dict(entry)
        entry["outputs"] = {n: self.paths.load(p) for n, p in entry["outputs"].items()
                            if isinstance(p, str)}
        for key in ("notebook", "stdout", "stderr"):
            if isinstance(entry.get(key), str):
                entry[key] = self.paths.load(entry[key])
        return entry

    def damage(self, entry: dict) -> str | None:
        """Why an entry's outputs are no longer what its step produced, or None."""
        from ..step.staging import is_remote, output_exists, storage_for

        outputs: dict[str, str] = entry["outputs"]
        storage = storage_for(self.workspace, list(outputs.values()))
        recorded = entry.get("manifests", {})
        for name, path in outputs.items():
            if is_remote(path):
                if not output_exists(path, storage):
                    return f"output {name!r} is incomplete or gone"
                continue
            if name not in recorded:
                return f"output {name!r} has no manifest (made by an older version)"
            why = manifests.changed(Path(path), recorded[name])
            if why:
                return f"output {name!r} changed after its run ({why})"
        return None

    def store(self, fingerprint: str, entry: dict[str, Any], pipeline: str,
              step_slug: str) -> None:
        entry = dict(entry)
        entry["outputs"] = {n: self.paths.store(p) for n, p in entry["outputs"].items()}
        for key in ("notebook", "stdout", "stderr"):
            if isinstance(entry.get(key), str):
                entry[key] = self.paths.store(entry[key])
        atomic.write_json(self._entry_path(fingerprint), entry)
        atomic.write_json(self._latest_path(pipeline, step_slug), entry.get("components", {}))

    def last_components(self, pipeline: str, step_slug: str) -> dict | None:
        found = jsonfiles.read_json_lenient(self._latest_path(pipeline, step_slug))
        return found if isinstance(found, dict) else None
