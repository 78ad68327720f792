"""The designer's runs panel shows what Azure ML v1 code registered in the workspace: models,
published pipelines and schedules (azureml/registries/). Registered in pyproject.toml under
the `pipeline_widget.runs_panel_sections` entry point group; the widget knows nothing of this
package, and this module nothing of the widget: a section is plain data,
{"title", "columns", "rows"} (rows of text), and a workspace without such registries gives
none."""
from __future__ import annotations

import time
from typing import Any

from ..core.errors import PipelineError
from ..core.workspace import Workspace
from .registries import models, pipelines, schedules, table


def _when(t: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "-"


def _tags(tags: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in (tags or {}).items()) or "-"


def _schedule_when(entry: dict[str, Any]) -> str:
    r = entry.get("recurrence")
    if r:
        return f"every {r.get('interval')} {r.get('frequency')}"
    return f"on changes in datastore {entry.get('datastore')}"


def model_rows(ws: Workspace) -> list[list[str]]:
    return [[m["name"], str(m["version"]), _when(m.get("created_time")), _tags(m.get("tags")),
             m.get("run_id") or "-"] for versions in models.versions(ws).values()
            for m in versions]


def published_rows(ws: Workspace) -> list[list[str]]:
    return [[e.get("name", "-"), e["id"], str(e.get("version") or "-"),
             e.get("status", "-"), _when(e.get("created"))]
            for e in pipelines.all_of(ws, pipelines.PUBLISHED)]


def schedule_rows(ws: Workspace) -> list[list[str]]:
    return [[e["name"], e.get("status", "-"), _schedule_when(e), _when(e.get("last_run_time")),
             str(len(e.get("runs") or []))] for e in schedules.all_of(ws)]


SECTIONS = (
    ("registered models", ["name", "version", "registered", "tags", "run"], model_rows),
    ("published pipelines", ["name", "id", "version", "status", "published"], published_rows),
    ("schedules", ["name", "status", "when", "last run", "runs"], schedule_rows),
)


def sections(workspace: Workspace) -> list[dict[str, Any]]:
    """One section per registry that has entries; none when the workspace has no registries
    (most workspaces: nothing of Azure ML shows)."""
    if not table.folder(workspace).is_dir():
        return []
    found = []
    for title, columns, rows in SECTIONS:
        try:
            listed = rows(workspace)
        except (PipelineError, OSError, KeyError, TypeError) as err:   # a damaged table
            found.append({"title": title, "columns": ["problem"],
                          "rows": [[f"cannot read it: {err}"]]})
            continue
        if listed:
            found.append({"title": title, "columns": columns, "rows": listed})
    return found
