"""Published pipelines, pipeline endpoints and drafts: the pipeline in the local file format
(with the folder its paths are relative to) and what v1 says of it, by id or name."""
from __future__ import annotations

import time
import uuid
from typing import Any

from ...core.errors import PipelineError
from ...core.workspace import Workspace
from . import table

PUBLISHED, ENDPOINTS, DRAFTS = "published_pipelines", "pipeline_endpoints", "pipeline_drafts"


def new_id() -> str:
    return str(uuid.uuid4())


def add(workspace: Workspace, registry: str, entry: dict[str, Any]) -> dict[str, Any]:
    entry = {"id": entry.get("id") or new_id(), "created": time.time(), **entry}
    with table.change(workspace, registry) as items:
        items[entry["id"]] = entry
    return entry


def get(workspace: Workspace, registry: str, key: str, what: str) -> dict[str, Any]:
    items = table.read(workspace, registry)
    if key in items:
        return items[key]
    by_name = [i for i in items.values() if i.get("name") == key]
    if by_name:
        return max(by_name, key=lambda i: i["created"])
    raise PipelineError(f"no {what} {key!r} in {workspace.root}; list them with "
                        f"`pipeline-widget registries` or {what}.list(ws)")


def all_of(workspace: Workspace, registry: str) -> list[dict[str, Any]]:
    return sorted(table.read(workspace, registry).values(), key=lambda i: i["created"])


def update(workspace: Workspace, registry: str, key: str, **values: Any) -> dict[str, Any]:
    with table.change(workspace, registry) as items:
        if key not in items:
            raise PipelineError(f"no entry {key!r} in {registry}")
        items[key].update(values)
        return dict(items[key])
