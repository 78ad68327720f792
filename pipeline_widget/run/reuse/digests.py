"""Content digests of files and folders, remembered by a stat key like git's index.

A file's digest is computed again whenever its (size, mtime_ns, ctime_ns, inode)
differ from what was remembered. ctime cannot be set back by a program, so a
file rewritten with its old size and mtime restored is still read again.
Folders are walked with symlinks followed and loops cut. Keys are paths
relative to the project, so a moved project keeps what it knew.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from ...core import atomic, jsonfiles, locks
from ...core.workspace import WORKSPACE_DIRNAMES, project_relative

SKIP_DIRS = {*WORKSPACE_DIRNAMES, ".git", ".venv", "venv", "__pycache__", ".ipynb_checkpoints",
             "node_modules", ".pytest_cache", ".hypothesis", ".mypy_cache"}


def digest_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def digest_json(data: Any) -> str:
    return digest_text(json.dumps(data, sort_keys=True, default=str))


def stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def walk_files(root: Path) -> list[tuple[str, Path]]:
    """(relative name, path) of every file under `root`, symlinks followed, loops cut."""
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()

    def visit(folder: Path, prefix: str) -> None:
        real = os.path.realpath(folder)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=True):
                if entry.name not in SKIP_DIRS:
                    visit(Path(entry.path), name + "/")
            elif entry.is_file(follow_symlinks=True):
                found.append((name, Path(entry.path)))

    visit(root, "")
    return found


class DigestMemo:
    """stat key -> digest, kept in the workspace cache between runs."""

    def __init__(self, path: Path, project: Path) -> None:
        self.path = path
        self.project = project
        # the project folder with its trailing separator: a path under it is keyed by the
        # name that follows (_key)
        self._prefix = os.path.join(os.fspath(project), "")
        table = jsonfiles.read_json_lenient(path, {})
        self._table: dict[str, list] = table if isinstance(table, dict) else {}
        self._changed = False

    def _key(self, path: str | os.PathLike, mode: str) -> str:
        text = os.fspath(path)
        prefix = self._prefix
        if text.startswith(prefix) and "/." not in text and "//" not in text:
            name = text[len(prefix):]   # the common case, without building paths
        else:
            name = project_relative(text, self.project)
        return f"{mode}:{name}" if mode else name

    def _remembered(self, key: str, st: os.stat_result) -> str | None:
        hit = self._table.get(key)
        if isinstance(hit, list) and len(hit) == 5 and hit[:4] == stat_key(st):
            return str(hit[4])
        return None

    def _remember(self, key: str, st: os.stat_result, digest: str) -> str:
        self._table[key] = [*stat_key(st), digest]
        self._changed = True
        return digest

    def file(self, path: str | os.PathLike, mode: str = "",
             transform: Callable[[bytes], str] | None = None,
             st: os.stat_result | None = None) -> str:
        """The digest of a file's content (or of `transform(content)`, remembered under
        `mode`); stat follows symlinks (`st`: its stat, when the caller has it)."""
        st = st or os.stat(path)
        key = self._key(path, mode)
        hit = self._remembered(key, st)
        if hit is not None:
            return hit
        digest = digest_text(transform(Path(path).read_bytes())) if transform \
            else hash_file(Path(path))
        return self._remember(key, st, digest)

    def listing(self, folder: str | os.PathLike, st: os.stat_result | None = None) -> str:
        """The digest of a folder's entry names (what a glob or os.walk of it sees)."""
        st = st or os.stat(folder)
        key = self._key(folder, "ls")
        hit = self._remembered(key, st)
        if hit is not None:
            return hit
        return self._remember(key, st, digest_json(sorted(os.listdir(folder))))

    def derived(self, path: str | os.PathLike, mode: str,
                compute: Callable[[str], str]) -> str:
        """`compute(path)` (e.g. an interpreter's version), remembered while the file's stat
        is unchanged."""
        st = os.stat(path)
        key = self._key(path, mode)
        hit = self._remembered(key, st)
        if hit is not None:
            return hit
        return self._remember(key, st, compute(os.fspath(path)))

    def tree_files(self, root: Path) -> dict[str, str]:
        """relative name -> digest of every file under a folder (a file: its own name)."""
        if root.is_file():
            return {root.name: self.file(root)}
        return {name: self.file(path) for name, path in walk_files(root)}

    def tree(self, root: Path) -> str:
        return digest_json(sorted(self.tree_files(root).items()))

    def save(self) -> None:
        if not self._changed:
            return
        with locks.lock(self.path):
            table = jsonfiles.read_json_lenient(self.path, {})
            table = table if isinstance(table, dict) else {}
            table.update(self._table)
            atomic.write_json(self.path, table)
        self._changed = False
