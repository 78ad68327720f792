"""Which installed distribution (name, version) a module a step imported came from.

A step records the folder on sys.path each top-level module came from; that folder's
`*.dist-info` say which distribution provides it (importlib.metadata reads them). The
index of a folder is remembered while the folder's stat is unchanged, so nothing is read
again until something is installed or removed there. A distribution stays the same
while its `.dist-info` folder (named for its version) is there.

Reading every distribution of a folder takes about 0.3 s for 200 of them, so each folder's
index is also kept in the user's cache folder (core/user_cache.py: `distributions/`), with
the stat it was read under: another process takes it while that stat is unchanged.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.atomic import write_json
from ...core.user_cache import cache_folder
from .digests import DigestMemo

if TYPE_CHECKING:   # imported when a folder is read: a kept index needs none of it
    import importlib.metadata as metadata

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


def _kept_file(folder: str) -> Path:
    name = hashlib.sha256(os.path.abspath(folder).encode()).hexdigest()[:32]
    return cache_folder("distributions") / f"{name}.json"


def _kept(folder: str, key: list[int]) -> dict[str, tuple[str, str, str]] | None:
    """The index kept for `folder`, if it was read under this same stat."""
    try:
        data = json.loads(_kept_file(folder).read_text(encoding="utf-8"))
        if data.get("folder") != os.path.abspath(folder) or data.get("key") != key:
            return None
        return {str(top): (str(v[0]), str(v[1]), str(v[2])) for top, v in data["index"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def index(folder: str) -> dict[str, tuple[str, str, str]]:
    """top-level module -> (distribution, version, its .dist-info folder) in `folder`."""
    key = _folder_key(folder)
    with _lock:
        hit = _indexes.get(folder)
        if hit is not None and hit[0] == key:
            return hit[1]
    if key is not None and (kept := _kept(folder, key)) is not None:
        with _lock:
            _indexes[folder] = (key, kept)
        return kept
    import importlib.metadata as metadata

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
    if key is not None and key == _folder_key(folder):   # nothing changed while reading
        try:
            write_json(_kept_file(folder), {"folder": os.path.abspath(folder), "key": key,
                                            "index": found})
        except OSError:
            pass   # read again by the next process
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
