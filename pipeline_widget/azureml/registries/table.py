"""One registry: a JSON table in the workspace's azureml/ folder, changed under a lock and
written whole (temporary name, then rename), so concurrent processes never lose an entry."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

from ...core import atomic, jsonfiles, locks
from ...core.errors import PipelineError
from ...core.workspace import Workspace

FOLDER = "azureml"


def folder(workspace: Workspace) -> Path:
    return Path(workspace.root) / FOLDER


def path(workspace: Workspace, name: str) -> Path:
    return folder(workspace) / f"{name}.json"


def read(workspace: Workspace, name: str) -> dict[str, Any]:
    data = jsonfiles.read_json(path(workspace, name), {})
    if not isinstance(data, dict):
        raise PipelineError(f"{path(workspace, name)} is not a JSON object; remove it (its "
                            f"entries are lost) or restore it from a copy")
    return data


@contextlib.contextmanager
def change(workspace: Workspace, name: str) -> Iterator[dict[str, Any]]:
    """The table to change in place; written back when the block ends without error."""
    workspace.ensure()
    target = path(workspace, name)
    with locks.lock(target):
        table = read(workspace, name)
        yield table
        atomic.write_json(target, table)
