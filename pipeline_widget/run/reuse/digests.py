"""Step fingerprints: what a step's result depends on, hashed, so reuse is never stale.

A fingerprint covers the step's code (a notebook's code cells only; a script's
whole source directory), its resolved parameters and arguments, kernel and
options, the fingerprints of its upstream steps and the content of the
external data it reads. File digests are remembered by (path, size, mtime) so
unchanged files are not read again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ...core import atomic, jsonfiles, locks
from ...core.workspace import WORKSPACE_DIRNAME

SKIP_DIRS = {WORKSPACE_DIRNAME, ".git", ".venv", "venv", "__pycache__", ".ipynb_checkpoints",
             "node_modules", ".pytest_cache", ".hypothesis", ".mypy_cache"}


def digest_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def digest_json(data: Any) -> str:
    return digest_text(json.dumps(data, sort_keys=True, default=str))


def notebook_code(raw: bytes) -> str:
    """The code of a notebook: its code cells' sources, without outputs or metadata."""
    try:
        nb = json.loads(raw)
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        return json.dumps([("".join(c.get("source", "")) if isinstance(c.get("source"), list)
                            else c.get("source", "")) for c in cells
                           if isinstance(c, dict) and c.get("cell_type") == "code"])
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")


class DigestMemo:
    """(path, size, mtime) -> digest, kept in the workspace cache between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._table: dict[str, list] = jsonfiles.read_json_lenient(path, {}) or {}
        self._changed = False

    def file(self, path: Path, code_only: bool = False) -> str:
        st = path.stat()
        key = f"{'code:' if code_only else ''}{path}"
        hit = self._table.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        h = hashlib.sha256()
        if code_only:
            h.update(notebook_code(path.read_bytes()).encode())
        else:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        digest = h.hexdigest()
        self._table[key] = [st.st_size, st.st_mtime_ns, digest]
        self._changed = True
        return digest

    def tree(self, root: Path, code_only_notebooks: bool = False) -> str:
        """A digest of a file or of every file under a folder (names and contents)."""
        if root.is_file():
            return self.file(root, code_only_notebooks and root.suffix == ".ipynb")
        parts = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                p = Path(dirpath) / name
                if p.is_file():
                    parts.append((p.relative_to(root).as_posix(),
                                  self.file(p, code_only_notebooks and p.suffix == ".ipynb")))
        return digest_json(parts)

    def save(self) -> None:
        if not self._changed:
            return
        with locks.lock(self.path):
            table = jsonfiles.read_json_lenient(self.path, {}) or {}
            table.update(self._table)
            atomic.write_json(self.path, table)
        self._changed = False


def explain(old: dict | None, new: dict) -> list[str]:
    """What changed between two fingerprints' components, in words."""
    if old is None:
        return ["no earlier successful run of this step"]
    reasons = []
    labels = {"code": "the step's code changed", "kernel": "the kernel changed",
              "options": "the step's options changed", "kind": "the step type changed",
              "outputs": "the step's outputs changed", "arguments": "the arguments changed"}
    for key, label in labels.items():
        if old.get(key) != new.get(key):
            reasons.append(label)
    old_p, new_p = old.get("parameters", {}), new.get("parameters", {})
    for name in sorted(set(old_p) | set(new_p)):
        if old_p.get(name) != new_p.get(name):
            reasons.append(f"parameter {name!r} changed: {old_p.get(name)!r} -> {new_p.get(name)!r}")
    old_i, new_i = old.get("inputs", {}), new.get("inputs", {})
    for name in sorted(set(old_i) | set(new_i)):
        if old_i.get(name) != new_i.get(name):
            kind = (new_i.get(name) or old_i.get(name) or {}).get("kind", "input")
            what = "upstream step" if kind == "data" else "data content"
            reasons.append(f"input {name!r} changed ({what})")
    return reasons or ["the earlier outputs are gone"]
