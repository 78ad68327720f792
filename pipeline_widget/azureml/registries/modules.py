"""Modules of v1 (a script published for reuse, in versions), kept in the workspace so that
Module.get finds one published by another process."""
from __future__ import annotations

from typing import Any

from ...core.workspace import Workspace
from . import pipelines, table

NAME = "modules"


def create(workspace: Workspace, name: str, description: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": pipelines.new_id(), "name": name, "description": description,
             "versions": [], "default_version": None}
    with table.change(workspace, NAME) as modules:
        modules[entry["id"]] = entry
    return entry


def add_version(workspace: Workspace, module_id: str, version: dict[str, Any],
                is_default: bool) -> dict[str, Any]:
    with table.change(workspace, NAME) as modules:
        entry = modules[module_id]
        entry["versions"].append(version)
        if is_default or entry["default_version"] is None:
            entry["default_version"] = version["version"]
        return dict(entry)


def find(workspace: Workspace, module_id: str | None, name: str | None) -> dict[str, Any] | None:
    modules = table.read(workspace, NAME)
    if module_id:
        return modules.get(module_id)
    return next((m for m in modules.values() if m["name"] == name), None)
