"""What v1 kept on a run in its service and the run record does not hold: metrics logged
on a pipeline run by its steps (`run.parent.log`), and the tags of interactive runs
(`experiment.start_logging()`, which have no record). Keyed by run id. Tags of pipeline
runs and step runs are kept in their run record (run/records/store.py: set_tags), read
here through `Tagged`; a run tagged before that was so keeps its tags listed here."""
from __future__ import annotations

from typing import Any

from ...core.errors import PipelineError
from ...core.workspace import Workspace
from ...run.records import store
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


class Tagged:
    """v1's tags on a run (pipeline run, step run or a step's parent), kept in its run
    record: the class says where (`_where`)."""

    def _where(self) -> tuple[Workspace, str, str | None]:
        """(workspace, pipeline run id, step name or None for the pipeline run)."""
        return self.workspace, str(self.id), None  # type: ignore[attr-defined]

    def tag(self, key: str, value: Any = None) -> None:
        self.set_tags({key: value})

    def set_tags(self, tags: dict[str, Any]) -> None:
        workspace, run_id, step = self._where()
        store.set_tags(workspace, run_id, tags, step)

    def get_tags(self) -> dict[str, str]:
        workspace, run_id, step = self._where()
        try:
            record = store.load(workspace, run_id)
        except PipelineError:
            return {}
        kept = record.tags if step is None else (record.steps[step].tags
                                                if step in record.steps else {})
        # a run tagged before tags were kept in records: they are listed here
        return {**tags(workspace, str(getattr(self, "id", run_id))), **kept}

    @property
    def tags(self) -> dict[str, str]:
        return self.get_tags()
