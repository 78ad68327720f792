"""Which installed distribution (name, version) a module a step imported came from.

A step records the folder on sys.path each top-level module came from; that folder's
`*.dist-info` say which distribution provides it (importlib.metadata reads them). The
index of a folder is remembered while the folder's stat is unchanged, so nothing is read
again until something is installed or removed there. A distribution stays the same
while its `.dist-info` folder (named for its version) is there.
"""
from __future__ import annotations

import importlib.metadata as metadata
import os
import threading
from pathlib import Path
from typing import Any

from .digests import DigestMemo

_indexes: dict[str, tuple[list[int], dict[str, tuple[str, str, str]]]] = {}
_lock = threading.Lock()


def _folder_key(folder: str) -> list[int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _top_levels(dist: metadata.Distribution) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    tops = set()
    for file in dist.files or ():
        first = file.parts[0] if file.parts else ""
        if not first or first.endswith((".dist-info", ".egg-info", ".pth")) or first in (
                "..", "__pycache__", "bin"):
            continue
        tops.add(first.split(".", 1)[0] if first.endswith((".py", ".so", ".pyd")) else first)
    return tops


def index(folder: str) -> dict[str, tuple[str, str, str]]:
    """top-level module -> (distribution, version, its .dist-info folder) in `folder`."""
    key = _folder_key(folder)
    with _lock:
        hit = _indexes.get(folder)
        if hit is not None and hit[0] == key:
            return hit[1]
    found: dict[str, tuple[str, str, str]] = {}
    newest: dict[str, int] = {}
    for dist in metadata.distributions(path=[folder]):
        info = str(getattr(dist, "_path", "") or "")
        name = dist.metadata["Name"] or ""
        try:
            made = os.stat(info).st_mtime_ns
        except OSError:
            made = 0
        for top in _top_levels(dist):   # two claim it (pip --target leaves old ones): newest
            if top not in found or made > newest[top]:
                found[top], newest[top] = (name, dist.version, info), made
    with _lock:
        _indexes[folder] = (key or [], found)
    return found


def _module_file(origin: str, module: str) -> Path | None:
    for candidate in (Path(origin) / module / "__init__.py", Path(origin) / f"{module}.py"):
        if candidate.is_file():
            return candidate
    return None


def describe(modules: dict[str, str], memo: DigestMemo) -> dict[str, dict[str, Any]]:
    """What each imported top-level module is: a distribution's name and version, or,
    for a module no distribution lists (a folder put on PYTHONPATH), its file's digest."""
    described: dict[str, dict[str, Any]] = {}
    for module, origin in sorted(modules.items()):
        if not isinstance(origin, str):
            continue
        hit = index(origin).get(module)
        path = _module_file(origin, module)
        digest = memo.file(path) if path is not None else None
        if hit is not None:
            described[module] = {"distribution": hit[0], "version": hit[1], "info": hit[2],
                                 "origin": origin, "file": str(path) if path else None,
                                 "digest": digest}
        elif path is not None:
            described[module] = {"file": str(path), "digest": digest}
    return described


def version_now(module: str, was: dict[str, Any], memo: DigestMemo) -> str | None:
    """Why what `module` is now differs from what a step imported, or None."""
    same_file = True
    if was.get("file"):
        try:
            same_file = memo.file(Path(was["file"])) == was.get("digest")
        except OSError:
            same_file = False
    if "distribution" not in was:
        return None if same_file else f"module {module} ({was.get('file')}) changed"
    info = str(was.get("info") or "")
    if same_file and info and os.path.isdir(info):
        return None
    name, version = was["distribution"], was.get("version", "?")
    hit = index(str(was.get("origin", ""))).get(module) if was.get("origin") else None
    if hit is None:
        return f"{name} {version} is no longer installed"
    if hit[1] != version:
        return f"{name} {version} -> {hit[1]}"
    return None if same_file else f"{name} {version} was installed again with other files"
