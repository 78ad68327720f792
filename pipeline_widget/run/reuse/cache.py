"""The reuse cache: fingerprint -> the outputs of earlier successful step runs.

A fingerprint holds what is declared (code, values, datasets, lineage); each result
stored under it also holds its observed read set (reads.py), which decides whether it
still applies. Several results may share a fingerprint (a helper module changed and
changed back): the newest KEEP are kept, and the newest that still applies is reused.
Entries are written only after a step finished, by atomic rename, so a failed,
canceled or killed step never offers half-written outputs. Paths in entries are
relative to the project, so a moved or re-cloned project keeps its reuse.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ...core import atomic, jsonfiles
from ...core.names import slug
from ...core.workspace import Workspace
from ..records.model import PathCodec
from . import manifest as manifests
from .digests import DigestMemo

KEEP = 4   # results kept per fingerprint


class ReuseCache:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.root = workspace.cache_dir
        self.paths = PathCodec(workspace.path)
        self.digests = DigestMemo(self.root / "digests.json", workspace.path)

    def _entry_dir(self, fingerprint: str) -> Path:
        return self.workspace.results_dir / fingerprint[:2] / fingerprint

    def _latest_path(self, pipeline: str, step_slug: str) -> Path:
        return self.root / "latest" / slug(pipeline) / f"{step_slug}.json"

    def candidates(self, fingerprint: str) -> list[dict]:
        """The results stored under `fingerprint`, newest first (paths made absolute)."""
        try:
            names = sorted((p for p in self._entry_dir(fingerprint).iterdir()
                            if p.suffix == ".json"), reverse=True)[:KEEP]
        except OSError:
            return []
        found = [self._load(p) for p in names]
        return [e for e in found if e is not None]

    def _load(self, path: Path) -> dict | None:
        """An entry (paths made absolute), or None when damaged: it then counts as absent."""
        entry = jsonfiles.read_json_lenient(path)
        if not isinstance(entry, dict) or not isinstance(entry.get("outputs"), dict) \
                or not isinstance(entry.get("manifests", {}), dict) \
                or not isinstance(entry.get("reads"), dict):
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
        folder = self._entry_dir(fingerprint)
        atomic.write_json(folder / f"{time.time_ns():020d}_{slug(entry.get('step_run_id') or '')}.json",
                          entry)
        for old in sorted(folder.glob("*.json"), reverse=True)[KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass
        atomic.write_json(self._latest_path(pipeline, step_slug), entry.get("components", {}))

    def last_components(self, pipeline: str, step_slug: str) -> dict | None:
        found = jsonfiles.read_json_lenient(self._latest_path(pipeline, step_slug))
        return found if isinstance(found, dict) else None
