"""azureml.core.Model: models registered in the workspace, every version kept, found by
name, version, tags and the run that made them."""
from __future__ import annotations

import builtins
import shutil
from pathlib import Path
from typing import Any

from ....core.errors import PipelineError
from ...missing import MissingNames, module_getattr, no_local_version
from ...registries import models as registry


def _matches(item: dict[str, Any], tags: Any, properties: Any, run_id: str | None) -> bool:
    def has(kept: dict[str, str], wanted: Any) -> bool:
        for want in wanted or []:
            if isinstance(want, (list, tuple)):
                key, value = want[0], want[1] if len(want) > 1 else None
                if kept.get(key) != (None if value is None else str(value)):
                    return False
            elif want not in kept:
                return False
        return True

    return (has(item.get("tags", {}), tags) and has(item.get("properties", {}), properties)
            and (run_id is None or run_id in (item.get("run_id"), item.get("pipeline_run_id"))))


class Model(MissingNames):
    """A version of a registered model: `Model(ws, name)` is its latest version."""

    workspace: Any
    name: str
    version: int
    id: str
    tags: dict[str, str]
    properties: dict[str, str]
    description: str | None
    run_id: str | None
    created_time: float | None
    path: str
    url: str

    def __init__(self, workspace: Any, name: str | None = None, id: str | None = None,
                 tags: Any = None, properties: Any = None, version: int | None = None,
                 run_id: str | None = None, model_framework: str | None = None,
                 expand: bool = True, **kwargs: Any) -> None:
        if id:
            name, _, number = id.partition(":")
            version = int(number) if number else version
        candidates = [m for m in Model.list(workspace, name=name, tags=tags,
                                            properties=properties, run_id=run_id)
                      if version is None or m.version == int(version)]
        if not candidates:
            what = f"name={name!r}" + (f", version={version}" if version else "")
            raise PipelineError(f"no model with {what} in {workspace.root}; register one with "
                                f"Model.register(ws, model_path, model_name) or "
                                f"run.register_model(...)")
        found = max(candidates, key=lambda m: (m.name, m.version))
        self.__dict__.update(found.__dict__)

    @classmethod
    def _of(cls, workspace: Any, item: dict[str, Any]) -> "Model":
        model = cls.__new__(cls)
        model.workspace = workspace
        model.name, model.version = item["name"], int(item["version"])
        model.id = f"{model.name}:{model.version}"
        model.tags = dict(item.get("tags") or {})
        model.properties = dict(item.get("properties") or {})
        model.description = item.get("description")
        model.run_id = item.get("run_id")
        model.created_time = item.get("created_time")
        model.path = str(registry.files(workspace, item))
        model.url = Path(model.path).as_uri()
        return model

    @staticmethod
    def register(workspace: Any, model_path: str, model_name: str, tags: dict | None = None,
                 properties: dict | None = None, description: str | None = None,
                 datasets: Any = None, model_framework: str | None = None,
                 model_framework_version: str | None = None, child_paths: Any = None,
                 sample_input_dataset: Any = None, sample_output_dataset: Any = None,
                 resource_configuration: Any = None, _run_id: str | None = None,
                 _pipeline_run_id: str | None = None, **kwargs: Any) -> "Model":
        """Copy `model_path` (a file or folder) into the workspace as a new version."""
        item = registry.register(workspace, Path(model_path), model_name, {
            "tags": {str(k): str(v) for k, v in (tags or {}).items()},
            "properties": {str(k): str(v) for k, v in (properties or {}).items()},
            "description": description, "framework": model_framework,
            "run_id": _run_id, "pipeline_run_id": _pipeline_run_id})
        model = Model._of(workspace, item)
        print(f"Registering model {model_name}")
        return model

    @staticmethod
    def list(workspace: Any, name: str | None = None, tags: Any = None, properties: Any = None,
             run_id: str | None = None, latest: bool = False, dataset_id: str | None = None,
             expand: bool = True, page_count: int = 255, model_framework: str | None = None
             ) -> builtins.list["Model"]:
        """Versions of the registered models, newest first; `tags`: keys, or [key, value]
        pairs, all of which a model must have; `latest`: only each name's newest match."""
        found = []
        for model_name, items in registry.versions(workspace).items():
            if name is not None and model_name != name:
                continue
            matching = [i for i in items if _matches(i, tags, properties, run_id)]
            found += matching[-1:] if latest else matching
        return [Model._of(workspace, i) for i in sorted(
            found, key=lambda i: (i["created_time"], i["version"]), reverse=True)]

    @staticmethod
    def get_model_path(model_name: str, version: int | None = None, _workspace: Any = None
                       ) -> str:
        """The path of a registered model's files (its latest version by default)."""
        from .workspace import Workspace

        workspace = _workspace or Workspace.from_config()
        return Model(workspace, model_name, version=version).path

    def download(self, target_dir: str = ".", exist_ok: bool = False,
                 exists_ok: bool | None = None) -> str:
        """Copy this version's files into `target_dir`; returns the copied path."""
        source = Path(self.path)
        target = Path(target_dir) / source.name
        if target.exists() and not (exist_ok or exists_ok):
            raise PipelineError(f"{target} exists; pass exist_ok=True or another target_dir")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
        return str(target)

    def add_tags(self, tags: dict[str, Any]) -> None:
        self._change(tags={**self.tags, **{k: str(v) for k, v in tags.items()}})

    def remove_tags(self, tags: builtins.list[str]) -> None:
        self._change(tags={k: v for k, v in self.tags.items() if k not in tags})

    def add_properties(self, properties: dict[str, Any]) -> None:
        self._change(properties={**self.properties,
                                 **{k: str(v) for k, v in properties.items()}})

    def _change(self, **values: Any) -> None:
        from ...registries import table

        with table.change(self.workspace, registry.NAME) as models:
            for item in models.get(self.name, []):
                if item["version"] == self.version:
                    item.update(values)
        self.__dict__.update(values)

    @staticmethod
    def deploy(*args: Any, **kwargs: Any) -> Any:
        no_local_version("Model.deploy", "load the model with Model.get_model_path(name) and "
                         "serve it yourself; web services have no local version yet")

    def serialize(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "version": self.version, "tags": self.tags,
                "properties": self.properties, "runId": self.run_id, "url": self.url}

    def __repr__(self) -> str:
        return f"Model(name={self.name!r}, version={self.version})"


__all__ = ["Model"]
__getattr__ = module_getattr(__name__)
