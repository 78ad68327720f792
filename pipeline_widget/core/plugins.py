"""Installed packages' entry points, read once per process. Each registry (step kinds and
their runners, executors, importers and exporters, runs panel sections, the kernel
provisioner) takes its group from here: reading them means reading the metadata of every
installed distribution, which costs about 20 ms each time."""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any


@lru_cache(maxsize=1)
def _installed() -> dict[str, tuple[EntryPoint, ...]]:
    found: Any = entry_points()   # Python 3.11: by group; 3.12: one sequence
    points = [p for group in found.values() for p in group] if isinstance(found, dict) \
        else list(found)
    groups: dict[str, list[EntryPoint]] = {}
    for point in points:
        groups.setdefault(point.group, []).append(point)
    return {group: tuple(points) for group, points in groups.items()}


def entry_points_of(group: str) -> tuple[EntryPoint, ...]:
    """The entry points installed packages declare in `group` (read at first use)."""
    return _installed().get(group, ())
