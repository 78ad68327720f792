"""What v1 kept on a run in its service: tags, metrics logged on a pipeline run by its steps
(`run.parent.log`), and a request to cancel it from a step (`run.parent.cancel()`). Keyed by
run id (pipeline run or step run)."""
from __future__ import annotations

import time
from typing import Any

from ...core.workspace import Workspace
from . import table

NAME = "runs"


def entry(workspace: Workspace, run_id: str) -> dict[str, Any]:
    return dict(table.read(workspace, NAME).get(run_id) or {})


def tags(workspace: Workspace, run_id: str) -> dict[str, str]:
    return dict(entry(workspace, run_id).get("tags") or {})


def set_tags(workspace: Workspace, run_id: str, values: dict[str, Any]) -> None:
    with table.change(workspace, NAME) as runs:
        run = runs.setdefault(run_id, {})
        run["tags"] = {**run.get("tags", {}), **{str(k): "" if v is None else str(v)
                                                 for k, v in values.items()}}


def log(workspace: Workspace, run_id: str, name: str, value: Any) -> None:
    with table.change(workspace, NAME) as runs:
        metrics = runs.setdefault(run_id, {}).setdefault("metrics", {})
        metrics.setdefault(str(name), []).append(value)


def metrics(workspace: Workspace, run_id: str) -> dict[str, Any]:
    found = entry(workspace, run_id).get("metrics") or {}
    return {n: v[0] if len(v) == 1 else v for n, v in found.items()}


def request_cancel(workspace: Workspace, run_id: str) -> None:
    with table.change(workspace, NAME) as runs:
        runs.setdefault(run_id, {})["cancel_requested"] = time.time()


def cancel_requested(workspace: Workspace, run_id: str) -> bool:
    return bool(entry(workspace, run_id).get("cancel_requested"))


class Tagged:
    """v1's tags on a run (pipeline run, step run or a step's parent), kept in the workspace's
    run registry by run id: the class has `workspace` and `id`."""

    def _where(self) -> tuple[Workspace, str]:
        """(workspace, run id): attributes or properties of the class."""
        return self.workspace, str(self.id)  # type: ignore[attr-defined]

    def tag(self, key: str, value: Any = None) -> None:
        set_tags(*self._where(), {key: value})

    def set_tags(self, tags: dict[str, Any]) -> None:
        set_tags(*self._where(), tags)

    def get_tags(self) -> dict[str, str]:
        return tags(*self._where())

    @property
    def tags(self) -> dict[str, str]:
        return self.get_tags()
