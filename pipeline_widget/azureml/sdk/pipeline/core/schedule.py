"""azureml.pipeline.core.schedule: Schedule and ScheduleRecurrence, kept in the workspace.
Nothing runs in the background here: `pipeline-widget schedules run-due` (from cron or a
systemd timer) runs the schedules that are due."""
from __future__ import annotations

import builtins
from typing import Any

from .....core.errors import PipelineError
from ....missing import MissingNames, module_getattr
from ....registries import schedules as registry


class TimeZone:
    """v1's time zone names; times here are this machine's local time."""

    UTC = "UTC"
    GMTStandardTime = "GMT Standard Time"
    PacificStandardTime = "Pacific Standard Time"
    EasternStandardTime = "Eastern Standard Time"
    CentralEuropeStandardTime = "Central Europe Standard Time"


class ScheduleRecurrence(MissingNames):
    def __init__(self, frequency: str, interval: int, start_time: Any = None,
                 time_zone: Any = None, hours: list[int] | None = None,
                 minutes: list[int] | None = None, week_days: list[str] | None = None,
                 time_of_day: str | None = None) -> None:
        if time_of_day and not hours:
            hour, _, minute = time_of_day.partition(":")
            hours, minutes = [int(hour)], [int(minute or 0)]
        self.frequency, self.interval, self.start_time = frequency, interval, start_time
        self.time_zone, self.hours, self.minutes = time_zone, hours, minutes
        self.week_days, self.time_of_day = week_days, time_of_day
        registry.check_recurrence(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        start = self.start_time.isoformat() if hasattr(self.start_time, "isoformat") \
            else self.start_time
        return {"frequency": self.frequency, "interval": self.interval, "start_time": start,
                "hours": self.hours, "minutes": self.minutes, "week_days": self.week_days}

    def validate(self) -> None:
        registry.check_recurrence(self.to_dict())


class Schedule(MissingNames):
    def __init__(self, workspace: Any, entry: dict[str, Any]) -> None:
        self.workspace, self._entry = workspace, entry
        self.id, self.name = entry["id"], entry["name"]
        self.description = entry.get("description")
        self.pipeline_id = entry.get("pipeline_id")
        self.pipeline_endpoint_id = entry.get("pipeline_endpoint_id")
        self.status = entry.get("status", "Active")
        self.recurrence = entry.get("recurrence")
        self.datastore_name = entry.get("datastore")
        self.polling_interval = entry.get("polling_interval")
        self.path_on_datastore = entry.get("path_on_datastore")
        self.data_path_parameter_name = entry.get("data_path_parameter_name")
        self.continue_on_step_failure = entry.get("continue_on_step_failure")

    @staticmethod
    def create(workspace: Any, name: str, experiment_name: str, pipeline_id: str | None = None,
               recurrence: ScheduleRecurrence | None = None, description: str | None = None,
               pipeline_parameters: dict | None = None, wait_for_provisioning: bool = False,
               wait_timeout: int = 3600, datastore: Any = None, polling_interval: int = 5,
               data_path_parameter_name: str | None = None,
               continue_on_step_failure: bool | None = None,
               path_on_datastore: str | None = None, _workflow_provider: Any = None,
               _service_endpoint: Any = None, pipeline_endpoint_id: str | None = None
               ) -> "Schedule":
        """Keep a schedule of a published pipeline (or endpoint) in the workspace."""
        from .published import PipelineEndpoint, PublishedPipeline

        if (recurrence is None) == (datastore is None):
            raise PipelineError("Schedule.create needs recurrence=ScheduleRecurrence(...) or "
                                "datastore=... (a datastore to watch), not both")
        if pipeline_id is None and pipeline_endpoint_id is None:
            raise PipelineError("Schedule.create needs pipeline_id=... (a published "
                                "pipeline's id) or pipeline_endpoint_id=...")
        if pipeline_id:
            PublishedPipeline.get(workspace, pipeline_id)
        else:
            PipelineEndpoint.get(workspace, id=pipeline_endpoint_id)
        entry = registry.add(workspace, {
            "name": name, "experiment_name": experiment_name, "pipeline_id": pipeline_id,
            "pipeline_endpoint_id": pipeline_endpoint_id, "description": description,
            "recurrence": recurrence.to_dict() if recurrence else None,
            "pipeline_parameters": pipeline_parameters or {},
            "datastore": getattr(datastore, "name", datastore),
            "polling_interval": polling_interval, "path_on_datastore": path_on_datastore,
            "data_path_parameter_name": data_path_parameter_name,
            "continue_on_step_failure": continue_on_step_failure})
        return Schedule(workspace, entry)

    @staticmethod
    def get(workspace: Any, id: str, _workflow_provider: Any = None,
            _service_endpoint: Any = None) -> "Schedule":
        return Schedule(workspace, registry.get(workspace, id))

    @staticmethod
    def list(workspace: Any, active_only: bool = True, pipeline_id: str | None = None,
             pipeline_endpoint_id: str | None = None, _workflow_provider: Any = None,
             _service_endpoint: Any = None) -> builtins.list["Schedule"]:
        return [Schedule(workspace, e) for e in registry.all_of(workspace)
                if (not active_only or e.get("status") == "Active")
                and pipeline_id in (None, e.get("pipeline_id"))
                and pipeline_endpoint_id in (None, e.get("pipeline_endpoint_id"))]

    @staticmethod
    def get_schedules_for_pipeline_id(workspace: Any, pipeline_id: str) -> builtins.list["Schedule"]:
        return Schedule.list(workspace, active_only=False, pipeline_id=pipeline_id)

    def _save(self, **values: Any) -> None:
        self.__init__(self.workspace,  # type: ignore[misc]
                      registry.update(self.workspace, self.id, **values))

    def enable(self, wait_for_provisioning: bool = False, wait_timeout: int = 3600) -> None:
        self._save(status="Active")

    def disable(self, wait_for_provisioning: bool = False, wait_timeout: int = 3600) -> None:
        self._save(status="Disabled")

    def update(self, name: str | None = None, description: str | None = None,
               recurrence: ScheduleRecurrence | None = None,
               pipeline_parameters: dict | None = None, status: str | None = None,
               wait_for_provisioning: bool = False, wait_timeout: int = 3600,
               datastore: Any = None, polling_interval: int | None = None,
               data_path_parameter_name: str | None = None,
               continue_on_step_failure: bool | None = None,
               path_on_datastore: str | None = None) -> None:
        if status not in (None, "Active", "Disabled"):
            raise PipelineError(f"Schedule.update: status {status!r} is not Active or Disabled")
        values = {k: v for k, v in (
            ("name", name), ("description", description),
            ("recurrence", recurrence.to_dict() if recurrence else None),
            ("pipeline_parameters", pipeline_parameters), ("status", status),
            ("datastore", getattr(datastore, "name", datastore)),
            ("polling_interval", polling_interval),
            ("data_path_parameter_name", data_path_parameter_name),
            ("continue_on_step_failure", continue_on_step_failure),
            ("path_on_datastore", path_on_datastore)) if v is not None}
        self._save(**values)

    def get_pipeline_runs(self) -> builtins.list[Any]:
        from .run import PipelineRun

        return [PipelineRun.get(self.workspace, r) for r in reversed(self._entry.get("runs", []))]

    def get_last_pipeline_run(self) -> Any:
        runs = self.get_pipeline_runs()
        return runs[0] if runs else None

    def __repr__(self) -> str:
        return f"Schedule(name={self.name!r}, id={self.id!r}, status={self.status!r})"


def run_due(workspace: Any, now: float, wait: bool = True) -> list[tuple[str, Any]]:
    """Start the runs of the schedules due at `now`: (schedule name, run) for each."""
    from ...core.datastore import Datastore
    from ...core.experiment import Experiment
    from .published import PipelineEndpoint, PublishedPipeline

    started = []
    claimed = registry.claim_due(workspace, now,
                                 lambda name: Datastore.get(workspace, name).local_root)
    for entry in claimed:
        params = dict(entry.get("pipeline_parameters") or {})
        if entry.get("changed") and entry.get("data_path_parameter_name"):
            params[entry["data_path_parameter_name"]] = entry["changed"][0]
        target = PublishedPipeline.get(workspace, entry["pipeline_id"]) if entry.get(
            "pipeline_id") else PipelineEndpoint.get(workspace, id=entry["pipeline_endpoint_id"])
        run = Experiment(workspace, entry["experiment_name"]).submit(
            target, pipeline_parameters=params, tags={"schedule": entry["name"]},
            continue_on_step_failure=bool(entry.get("continue_on_step_failure")))
        registry.record_run(workspace, entry["id"], run.id)
        started.append((entry["name"], run))
    return started


__all__ = ["Schedule", "ScheduleRecurrence", "TimeZone"]
__getattr__ = module_getattr(__name__)
