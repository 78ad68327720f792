"""Registered models: each version's files copied into azureml/models/<name>/<version>/,
with its tags, properties and the run that made it, in azureml/models.json."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from ...core.errors import PipelineError
from ...core.workspace import Workspace
from . import table

NAME = "models"


def _files(workspace: Workspace, name: str, version: int) -> Path:
    return table.folder(workspace) / "models" / name / str(version)


def register(workspace: Workspace, source: Path, name: str, entry: dict[str, Any]) -> dict:
    """A new version of model `name` holding a copy of `source` (a file or a folder)."""
    check_model_name(name)
    if not source.exists():
        raise PipelineError(f"Model.register: {source} not found; give the path of the model "
                            f"file or folder")
    with table.change(workspace, NAME) as models:
        versions = models.setdefault(name, [])
        version = (versions[-1]["version"] + 1) if versions else 1
        target = _files(workspace, name, version)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        if source.is_dir():
            shutil.copytree(source, target / source.name)
        else:
            shutil.copy2(source, target / source.name)
        item = {**entry, "name": name, "version": version, "created_time": time.time(),
                "path": (target / source.name).relative_to(table.folder(workspace)).as_posix()}
        versions.append(item)
    return item


def check_model_name(name: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 255 or any(
            c in name for c in "/\\:") or name.startswith("."):
        raise PipelineError(f"model name {name!r}: use letters, digits, '-', '_' and '.', at "
                            f"most 255 characters (no '/' or ':')")
    return name


def versions(workspace: Workspace) -> dict[str, list[dict[str, Any]]]:
    return {n: list(v) for n, v in table.read(workspace, NAME).items()}


def files(workspace: Workspace, item: dict[str, Any]) -> Path:
    """A version's files; a path in the registry that leads outside it is refused."""
    from ...core.containment import inside

    return inside(table.folder(workspace), str(item["path"]),
                  f"model {item.get('name')!r} path {item['path']!r} in models.json")
