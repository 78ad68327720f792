"""Registered v1 Environments: name -> its versions (variables and package lists)."""
from __future__ import annotations

from typing import Any

from ...core.workspace import Workspace
from . import table

NAME = "environments"


def register(workspace: Workspace, name: str, entry: dict[str, Any]) -> str:
    """A new version of `name`, unless it equals the latest (as v1 keeps the version)."""
    with table.change(workspace, NAME) as envs:
        versions = envs.setdefault(name, [])
        if versions and {k: v for k, v in versions[-1].items() if k != "version"} == entry:
            return str(versions[-1]["version"])
        version = str(len(versions) + 1)
        versions.append({**entry, "version": version})
    return version


def get(workspace: Workspace, name: str, version: str | None = None) -> dict[str, Any] | None:
    versions = table.read(workspace, NAME).get(name) or []
    if version is not None:
        return next((v for v in versions if str(v["version"]) == str(version)), None)
    return versions[-1] if versions else None


def names(workspace: Workspace) -> list[str]:
    return list(table.read(workspace, NAME))
