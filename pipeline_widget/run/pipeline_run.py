"""PipelineRun: the handle of a run, live (in this process) or from its record."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from ..core.errors import PipelineError
from ..core.workspace import Workspace
from .cancel import CancelToken
from .cancel import request as request_cancel
from .events import EventBus, StatusEvent
from .records import store
from .records.model import RunRecord, StepRecord
from .status import Status

if TYPE_CHECKING:
    from .submission import Pipeline

StepRun = StepRecord  # one step of a run, as recorded: the public name


class PipelineRun:
    """A submitted run. Live runs update as events arrive; others are read from disk."""

    def __init__(self, workspace: Workspace, record: RunRecord, bus: EventBus | None = None,
                 thread: threading.Thread | None = None, cancel: CancelToken | None = None) -> None:
        self.workspace = workspace
        self._record = record
        self._bus = bus or EventBus()
        self._thread = thread
        self._cancel = cancel

    @property
    def id(self) -> str:
        return self._record.run_id

    run_id = id

    @property
    def experiment_name(self) -> str:
        return self._record.experiment

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self._record.parameters)

    @property
    def record(self) -> RunRecord:
        """The run's record as it stands (read again for a run of another process)."""
        return self._refresh()

    @property
    def is_live(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _refresh(self) -> RunRecord:
        if self._thread is None:  # not ours: another process may be writing it
            self._record = store.load(self.workspace, self.id)
        return self._record

    def get_status(self) -> str:
        """The run's status name (NotStarted, Running, Finished, Failed, Canceled)."""
        return self._refresh().status.value

    def get_steps(self) -> list[StepRun]:
        return list(self._refresh().steps.values())

    def get_step(self, name: str) -> StepRun:
        step = self._refresh().step(name)
        if step is None:
            raise PipelineError(f"run {self.id} has no step named {name!r}")
        return step

    def get_metrics(self) -> dict[str, dict[str, Any]]:
        return {s.name: s.get_metrics() for s in self.get_steps() if s.metrics}

    def subscribe(self, fn: Callable[[StatusEvent], None], replay: bool = True) -> Callable[[], None]:
        """Receive status events; with `replay`, first the ones already published."""
        return self._bus.subscribe(fn, replay=replay)

    def cancel(self) -> None:
        """Cancel the run: at once when this process runs it, else by a request its
        runner's watcher notices (run/cancel.py)."""
        if self._cancel is not None:
            self._cancel.cancel()
        else:
            request_cancel(self.workspace, self.id)

    def wait_for_completion(self, show_output: bool = True,
                            timeout_seconds: float | None = None) -> str:
        """Block until the run ends (or the timeout passes); returns the run's status.

        show_output: print a progress bar and one line per ended step (live runs).
        timeout_seconds: stop waiting after this long; the run goes on.
        """
        unsubscribe = None
        if show_output and self._thread is not None:
            from .progress import ProgressDisplay

            unsubscribe = self.subscribe(ProgressDisplay(len(self._record.steps)))
        try:
            if self._thread is not None:
                self._thread.join(timeout_seconds)
            else:
                deadline = None if timeout_seconds is None else time.time() + timeout_seconds
                while not Status(self.get_status()).is_terminal:
                    if deadline is not None and time.time() > deadline:
                        break
                    time.sleep(0.2)
        finally:
            if unsubscribe:
                unsubscribe()
        return self.get_status()

    def get_pipeline(self) -> "Pipeline":
        """The pipeline as it was submitted."""
        from .submission import Pipeline

        record = self._record
        return Pipeline.from_dict(record.pipeline, self.workspace, record.base_dir,
                                  source=f"run {self.id}")

    @staticmethod
    def get(workspace: Workspace, run_id: str) -> "PipelineRun":
        return PipelineRun(workspace, store.load(workspace, run_id))

    @staticmethod
    def list(workspace: Workspace, pipeline_name: str | None = None) -> list["PipelineRun"]:
        return [PipelineRun(workspace, r) for r in store.list_runs(workspace, pipeline_name)]

    def __repr__(self) -> str:
        return f"PipelineRun({self.id!r}, status={self.get_status()!r})"
