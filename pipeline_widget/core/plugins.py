"""Installed packages' entry points, read once per process. Each registry (step kinds and
their runners, executors, importers and exporters, runs panel sections, the kernel
provisioner) takes its group from here.

Reading them means importing importlib.metadata and reading the metadata of every installed
distribution: about 35 ms, paid by every command, even one that only finds all its steps
reused. So the reading is also kept in the user's cache folder (core/user_cache.py:
`entry_points/`), under a key made of what importlib.metadata would read: the folders and
archives on sys.path, the metadata folders in each, and the size and time of each one's
`entry_points.txt`. Installing, removing or upgrading a package changes the key, and the
next process reads again; listing the folders costs about 2 ms. Where another finder of
distributions is installed (sys.meta_path), the kept reading is not used.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache, reduce
from pathlib import Path
from typing import Any

from .atomic import write_json
from .user_cache import cache_folder

METADATA_SUFFIXES = (".dist-info", ".egg-info")   # the folders importlib.metadata reads
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class EntryPoint:
    """`name = value` in `group`, as a distribution declares it; `load()` imports it."""

    name: str
    value: str
    group: str

    def load(self) -> Any:
        """The object the value names (`module` or `module:attribute.attribute`)."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name!r} has a malformed value {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attributes = (match.group("attr") or "").split(".")
        return reduce(getattr, filter(None, attributes), module)


def _read_installed() -> list[EntryPoint]:
    """Every installed entry point, as importlib.metadata reads them."""
    from importlib.metadata import entry_points

    found: Any = entry_points()   # Python 3.11: by group (a dict that warns); 3.12: a sequence
    points = [p for group in dict.values(found) for p in group] if isinstance(found, dict) \
        else list(found)
    return [EntryPoint(p.name, p.value, p.group) for p in points]


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _path_key(entry: str) -> list[Any]:
    """What importlib.metadata reads of one sys.path entry: for a folder, its metadata
    folders with their `entry_points.txt`; for an archive, its own size and time."""
    folder = os.path.abspath(entry or ".")
    if not os.path.isdir(folder):
        return [folder, _stat(folder)]
    try:
        names = sorted(e.name for e in os.scandir(folder)
                       if e.name.lower().endswith(METADATA_SUFFIXES)
                       or (folder.lower().endswith(".egg") and e.name.lower() == "egg-info"))
    except OSError:
        return [folder, None]
    return [folder, [[name, _stat(os.path.join(folder, name, "entry_points.txt"))]
                     for name in names]]


def _key() -> list[Any] | None:
    """The key of the installed entry points, or None where they cannot be kept."""
    from importlib.machinery import PathFinder

    finders = [f for f in sys.meta_path if getattr(f, "find_distributions", None) is not None]
    if finders != [PathFinder]:
        return None
    return [_path_key(entry) for entry in sys.path if isinstance(entry, str)]


def _kept_file(key: list[Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
    return cache_folder("entry_points") / f"{digest}.json"


def _kept(key: list[Any]) -> list[EntryPoint] | None:
    try:
        data = json.loads(_kept_file(key).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return [EntryPoint(str(name), str(value), str(group))
                for group, name, value in data["points"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _installed_points() -> list[EntryPoint]:
    key = _key()
    if key is not None and (kept := _kept(key)) is not None:
        return kept
    points = _read_installed()
    if key is not None and key == _key():   # nothing was installed while reading
        try:
            write_json(_kept_file(key), {"key": key, "points": [
                [p.group, p.name, p.value] for p in points]})
        except OSError:
            pass   # read again by the next process
    return points


@lru_cache(maxsize=1)
def _installed() -> dict[str, tuple[EntryPoint, ...]]:
    groups: dict[str, list[EntryPoint]] = {}
    for point in _installed_points():
        groups.setdefault(point.group, []).append(point)
    return {group: tuple(points) for group, points in groups.items()}


def entry_points_of(group: str) -> tuple[EntryPoint, ...]:
    """The entry points installed packages declare in `group` (read at first use)."""
    return _installed().get(group, ())
