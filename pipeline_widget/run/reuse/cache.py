"""The reuse cache: fingerprint -> the outputs of an earlier successful step run.

Entries are written only after a step finished, by atomic rename, so a failed,
canceled or killed step never offers half-written outputs.
"""
from __future__ import annotations

from pathlib import Path

from ...core import atomic, jsonfiles
from ...core.names import slug
from ...core.workspace import Workspace
from .digests import DigestMemo


class ReuseCache:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.root = workspace.cache_dir
        self.digests = DigestMemo(self.root / "digests.json")

    def _entry_path(self, fingerprint: str) -> Path:
        return self.root / "steps" / fingerprint[:2] / f"{fingerprint}.json"

    def _latest_path(self, pipeline: str, step_slug: str) -> Path:
        return self.root / "latest" / slug(pipeline) / f"{step_slug}.json"

    def lookup(self, fingerprint: str) -> dict | None:
        """The entry for `fingerprint` whose outputs all still exist (remote ones uploaded
        in full), or None."""
        from ..step.staging import output_exists, storage_for

        entry = jsonfiles.read_json_lenient(self._entry_path(fingerprint))
        if not isinstance(entry, dict):
            return None
        outputs = entry.get("outputs", {})
        storage = storage_for(self.workspace, [p for p in outputs.values() if isinstance(p, str)])
        if not all(output_exists(p, storage) for p in outputs.values()):
            return None
        return entry

    def store(self, fingerprint: str, entry: dict, pipeline: str, step_slug: str) -> None:
        atomic.write_json(self._entry_path(fingerprint), entry)
        atomic.write_json(self._latest_path(pipeline, step_slug), entry.get("components", {}))

    def last_components(self, pipeline: str, step_slug: str) -> dict | None:
        return jsonfiles.read_json_lenient(self._latest_path(pipeline, step_slug))
