"""azureml.pipeline.core's PublishedPipeline, PipelineEndpoint and PipelineDraft, kept in
the workspace: a pipeline published by one process (a build script) is submitted by id or
name from any later one (a run script, a schedule). Their REST endpoints have no local
meaning; submit with Experiment.submit instead."""
from __future__ import annotations

import builtins
from typing import Any

from .....core.errors import PipelineError
from .....run.submission import Pipeline as LocalPipeline
from ....missing import MissingNames, module_getattr
from ....registries import pipelines as registry

ENDPOINT = "pipeline-widget://{kind}/{id}"   # shown as v1 shows a REST URL; not callable


def _experiment(workspace: Any, name: str) -> Any:
    from ...core.experiment import Experiment

    return Experiment(workspace, name)


class PublishedPipeline(MissingNames):
    def __init__(self, workspace: Any, entry: dict[str, Any]) -> None:
        self.workspace, self._entry = workspace, entry
        self.id: str = entry["id"]
        self.name: str = entry["name"]
        self.description: str = entry.get("description") or ""
        self.version: str | None = entry.get("version")
        self.status: str = entry.get("status", "Active")
        self.endpoint = ENDPOINT.format(kind="published", id=self.id)
        self.continue_on_step_failure = bool(entry.get("continue_on_step_failure"))

    @staticmethod
    def create(workspace: Any, pipeline: dict[str, Any], base_dir: str, name: str,
               description: str, version: str | None, continue_on_step_failure: bool,
               extras: dict[str, Any] | None = None, executor: str | None = None
               ) -> "PublishedPipeline":
        entry = registry.add(workspace, registry.PUBLISHED, {
            "name": name, "description": description, "version": version,
            "pipeline": pipeline, "base_dir": workspace.relative(base_dir), "status": "Active",
            "continue_on_step_failure": continue_on_step_failure,
            "extras": extras or {}, "executor": executor})
        return PublishedPipeline(workspace, entry)

    @staticmethod
    def get(workspace: Any, id: str, _workflow_provider: Any = None,
            _service_endpoint: Any = None) -> "PublishedPipeline":
        return PublishedPipeline(workspace, registry.get(workspace, registry.PUBLISHED, id,
                                                         "PublishedPipeline"))

    @staticmethod
    def list(workspace: Any, active_only: bool = True, _service_endpoint: Any = None
             ) -> builtins.list["PublishedPipeline"]:
        return [PublishedPipeline(workspace, e)
                for e in registry.all_of(workspace, registry.PUBLISHED)
                if not active_only or e.get("status", "Active") == "Active"]

    def local_pipeline(self) -> LocalPipeline:
        return LocalPipeline.from_dict(self._entry["pipeline"], self.workspace,
                                       self.workspace.absolute(self._entry["base_dir"]),
                                       source=f"published pipeline {self.id}")

    def submit_from_experiment(self, experiment: Any, pipeline_parameters: dict | None = None,
                               tags: dict | None = None, regenerate_outputs: bool = False,
                               continue_on_step_failure: bool | None = None) -> Any:
        from .submit import start

        if self.status != "Active":
            raise PipelineError(f"published pipeline {self.name!r} ({self.id}) is disabled; "
                                f"enable() it first")
        keep_going = self.continue_on_step_failure if not continue_on_step_failure \
            else True
        return start(self.workspace, self.local_pipeline(), self._entry.get("extras", {}),
                     experiment, pipeline_parameters, tags, regenerate_outputs, keep_going,
                     self._entry.get("executor"))

    def submit(self, workspace: Any, experiment_name: str,
               pipeline_parameters: dict | None = None, _workflow_provider: Any = None,
               _service_endpoint: Any = None, parent_run_id: str | None = None,
               continue_on_step_failure: bool | None = None) -> Any:
        return self.submit_from_experiment(_experiment(workspace, experiment_name),
                                           pipeline_parameters,
                                           continue_on_step_failure=continue_on_step_failure)

    def enable(self) -> None:
        self._set_status("Active")

    def disable(self) -> None:
        self._set_status("Disabled")

    def _set_status(self, status: str) -> None:
        self._entry = registry.update(self.workspace, registry.PUBLISHED, self.id,
                                      status=status)
        self.status = status

    def get_graph(self) -> Any:
        return self.local_pipeline()

    def __repr__(self) -> str:
        return f"PublishedPipeline(name={self.name!r}, id={self.id!r}, status={self.status!r})"


class PipelineEndpoint(MissingNames):
    """A named endpoint whose versions are published pipelines; one is the default."""

    def __init__(self, workspace: Any, entry: dict[str, Any]) -> None:
        self.workspace, self._entry = workspace, entry
        self.id, self.name = entry["id"], entry["name"]
        self.description = entry.get("description") or ""
        self.default_version: str = str(entry.get("default_version", "0"))
        self.status = entry.get("status", "Active")
        self.endpoint = ENDPOINT.format(kind="endpoint", id=self.id)

    @staticmethod
    def publish(workspace: Any, name: str, description: str, pipeline: Any,
                _workflow_provider: Any = None, _service_endpoint: Any = None
                ) -> "PipelineEndpoint":
        if any(e["name"] == name for e in registry.all_of(workspace, registry.ENDPOINTS)):
            raise PipelineError(f"a PipelineEndpoint named {name!r} exists; add a version with "
                                f"PipelineEndpoint.get(ws, name={name!r}).add_default(pipeline)")
        entry = registry.add(workspace, registry.ENDPOINTS, {
            "name": name, "description": description, "versions": [_published(pipeline).id],
            "default_version": "0", "status": "Active"})
        return PipelineEndpoint(workspace, entry)

    @staticmethod
    def get(workspace: Any, id: str | None = None, name: str | None = None,
            _workflow_provider: Any = None, _service_endpoint: Any = None
            ) -> "PipelineEndpoint":
        key = id or name
        if not key:
            raise PipelineError("PipelineEndpoint.get needs id=... or name=...")
        return PipelineEndpoint(workspace, registry.get(workspace, registry.ENDPOINTS, key,
                                                        "PipelineEndpoint"))

    @staticmethod
    def list(workspace: Any, active_only: bool = True, _workflow_provider: Any = None,
             _service_endpoint: Any = None) -> builtins.list["PipelineEndpoint"]:
        return [PipelineEndpoint(workspace, e)
                for e in registry.all_of(workspace, registry.ENDPOINTS)
                if not active_only or e.get("status", "Active") == "Active"]

    def _save(self, **values: Any) -> None:
        self._entry = registry.update(self.workspace, registry.ENDPOINTS, self.id, **values)
        self.default_version = str(self._entry.get("default_version", "0"))

    def add(self, pipeline: Any) -> None:
        self._save(versions=[*self._entry["versions"], _published(pipeline).id])

    def add_default(self, pipeline: Any) -> None:
        versions = [*self._entry["versions"], _published(pipeline).id]
        self._save(versions=versions, default_version=str(len(versions) - 1))

    def set_default_version(self, version: str | int) -> None:
        self._version(version)
        self._save(default_version=str(version))

    def set_default(self, pipeline: Any) -> None:
        self.set_default_version(self._entry["versions"].index(_published(pipeline).id))

    def _version(self, version: str | int | None) -> str:
        chosen = int(self.default_version if version is None else version)
        versions = self._entry["versions"]
        if not 0 <= chosen < len(versions):
            raise PipelineError(f"PipelineEndpoint {self.name!r} has versions 0 to "
                                f"{len(versions) - 1}, not {version!r}")
        return versions[chosen]

    def get_pipeline(self, version: str | int | None = None) -> PublishedPipeline:
        return PublishedPipeline.get(self.workspace, self._version(version))

    def list_pipelines(self, active_only: bool = True) -> builtins.list[PublishedPipeline]:
        return [PublishedPipeline.get(self.workspace, i) for i in self._entry["versions"]]

    def list_versions(self) -> builtins.list[dict[str, str]]:
        return [{"version": str(n), "pipelineId": i}
                for n, i in enumerate(self._entry["versions"])]

    def submit_from_experiment(self, experiment: Any, pipeline_parameters: dict | None = None,
                               tags: dict | None = None, regenerate_outputs: bool = False,
                               continue_on_step_failure: bool = False,
                               pipeline_version: str | None = None) -> Any:
        return self.get_pipeline(pipeline_version).submit_from_experiment(
            experiment, pipeline_parameters, tags, regenerate_outputs, continue_on_step_failure)

    def submit(self, experiment_name: str, pipeline_parameters: dict | None = None,
               parent_run_id: str | None = None, pipeline_version: str | None = None) -> Any:
        return self.submit_from_experiment(_experiment(self.workspace, experiment_name),
                                           pipeline_parameters,
                                           pipeline_version=pipeline_version)

    def enable(self) -> None:
        self._save(status="Active")

    def disable(self) -> None:
        self._save(status="Disabled")

    def __repr__(self) -> str:
        return f"PipelineEndpoint(name={self.name!r}, default_version={self.default_version!r})"


def _published(pipeline: Any) -> PublishedPipeline:
    if not isinstance(pipeline, PublishedPipeline):
        raise PipelineError(f"a PipelineEndpoint holds published pipelines; publish "
                            f"{type(pipeline).__name__} first (pipeline.publish(name))")
    return pipeline


class PipelineDraft(MissingNames):
    """A pipeline kept to edit and run later: its parameters, experiment and tags."""

    def __init__(self, workspace: Any, entry: dict[str, Any]) -> None:
        self.workspace, self._entry = workspace, entry
        self.id, self.name = entry["id"], entry["name"]
        self.description = entry.get("description") or ""
        self.experiment_name = entry.get("experiment_name")
        self.pipeline_parameters = dict(entry.get("pipeline_parameters") or {})
        self.tags = dict(entry.get("tags") or {})
        self.properties = dict(entry.get("properties") or {})
        self.continue_on_step_failure = bool(entry.get("continue_on_step_failure"))

    @staticmethod
    def _fields(pipeline: Any) -> dict[str, Any]:
        local = pipeline.local_pipeline()
        return {"pipeline": local.to_dict(pipeline.workspace.path),
                "base_dir": ".", "extras": pipeline.extras(),
                "executor": pipeline.executor()}

    @staticmethod
    def create(workspace: Any, pipeline: Any, name: str | None = None,
               description: str | None = None, experiment_name: str | None = None,
               pipeline_parameters: dict | None = None,
               continue_on_step_failure: bool | None = None, tags: dict | None = None,
               properties: dict | None = None, _workflow_provider: Any = None,
               _service_endpoint: Any = None) -> "PipelineDraft":
        entry = registry.add(workspace, registry.DRAFTS, {
            "name": name or "draft", "description": description,
            "experiment_name": experiment_name or name or "draft",
            "pipeline_parameters": pipeline_parameters or {}, "tags": tags or {},
            "properties": properties or {},
            "continue_on_step_failure": bool(continue_on_step_failure),
            **PipelineDraft._fields(pipeline)})
        return PipelineDraft(workspace, entry)

    @staticmethod
    def get(workspace: Any, id: str, _workflow_provider: Any = None,
            _service_endpoint: Any = None) -> "PipelineDraft":
        return PipelineDraft(workspace, registry.get(workspace, registry.DRAFTS, id,
                                                     "PipelineDraft"))

    @staticmethod
    def list(workspace: Any, tags: dict | None = None, _workflow_provider: Any = None,
             _service_endpoint: Any = None) -> builtins.list["PipelineDraft"]:
        drafts = [PipelineDraft(workspace, e) for e in registry.all_of(workspace,
                                                                        registry.DRAFTS)]
        return [d for d in drafts if all(d.tags.get(k) == v for k, v in (tags or {}).items())]

    def update(self, pipeline: Any = None, description: str | None = None,
               experiment_name: str | None = None, tags: dict | None = None,
               pipeline_parameters: dict | None = None,
               continue_on_step_failure: bool | None = None) -> None:
        values: dict[str, Any] = {k: v for k, v in (
            ("description", description), ("experiment_name", experiment_name),
            ("tags", tags), ("pipeline_parameters", pipeline_parameters),
            ("continue_on_step_failure", continue_on_step_failure)) if v is not None}
        if pipeline is not None:
            values.update(PipelineDraft._fields(pipeline))
        self.__init__(self.workspace,  # type: ignore[misc]
                      registry.update(self.workspace, registry.DRAFTS, self.id, **values))

    def _published_form(self) -> PublishedPipeline:
        return PublishedPipeline(self.workspace, {**self._entry, "version": None})

    def submit_run(self) -> Any:
        from .submit import start

        form = self._published_form()
        return start(self.workspace, form.local_pipeline(), self._entry.get("extras", {}),
                     _experiment(self.workspace, self.experiment_name or self.name),
                     self.pipeline_parameters, self.tags, False,
                     self.continue_on_step_failure, self._entry.get("executor"))

    def publish(self, properties: dict | None = None) -> PublishedPipeline:
        e = self._entry
        return PublishedPipeline.create(self.workspace, e["pipeline"],
                                        str(self.workspace.absolute(e["base_dir"])), self.name,
                                        self.description, None, self.continue_on_step_failure,
                                        e.get("extras"), e.get("executor"))

    def delete(self) -> None:
        from ....registries import table

        with table.change(self.workspace, registry.DRAFTS) as drafts:
            drafts.pop(self.id, None)

    def __repr__(self) -> str:
        return f"PipelineDraft(name={self.name!r}, id={self.id!r})"


__getattr__ = module_getattr(__name__)
