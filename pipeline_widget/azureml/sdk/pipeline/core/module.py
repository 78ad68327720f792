"""azureml.pipeline.core.module: Module, ModuleVersion, InputPortDef, OutputPortDef: a
script published once (with its inputs, outputs and arguments as ports) and run by
ModuleSteps, kept in the workspace. Only publish_python_script has a local version."""
from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

from .....core.errors import PipelineError
from ....missing import MissingNames, module_getattr, no_local_version
from ....registries import modules as registry


class InputPortDef(MissingNames):
    def __init__(self, name: str, default_datastore_mode: str = "mount",
                 default_path_on_compute: str | None = None, is_optional: bool = False,
                 default_data_reference_name: str | None = None, label: str | None = None
                 ) -> None:
        self.name, self.is_optional, self.label = name, is_optional, label


class OutputPortDef(MissingNames):
    def __init__(self, name: str, default_datastore_name: str | None = None,
                 default_datastore_mode: str = "mount",
                 default_path_on_compute: str | None = None, is_directory: bool = False,
                 label: str | None = None) -> None:
        self.name, self.label = name, label


def _port_names(items: list | None) -> list[str]:
    return [getattr(i, "name", str(i)) for i in items or []]


class ModuleVersion(MissingNames):
    def __init__(self, module: "Module", entry: dict[str, Any]) -> None:
        self.module, self._entry = module, entry
        self.module_id, self.version = module.id, entry["version"]
        self.script_name, self.description = entry["script_name"], entry.get("description")
        self.source_directory = str(module.workspace.absolute(entry["source_directory"]))
        self.inputs, self.outputs = list(entry["inputs"]), list(entry["outputs"])
        self.arguments = list(entry["arguments"])   # text, or {"port": name}
        self.status = "Active"

    def __repr__(self) -> str:
        return f"ModuleVersion({self.module.name!r}, version={self.version!r})"


class Module(MissingNames):
    def __init__(self, workspace: Any, entry: dict[str, Any]) -> None:
        self.workspace, self._entry = workspace, entry
        self.id, self.name = entry["id"], entry["name"]
        self.description = entry.get("description")
        self.default_version = entry.get("default_version")

    @staticmethod
    def create(workspace: Any, name: str, description: str, _workflow_provider: Any = None
               ) -> "Module":
        return Module(workspace, registry.create(workspace, name, description))

    @staticmethod
    def get(workspace: Any, module_id: str | None = None, name: str | None = None,
            _workflow_provider: Any = None) -> "Module":
        entry = registry.find(workspace, module_id, name)
        if entry is None:
            raise PipelineError(f"no module {module_id or name!r} in {workspace.root}; create "
                                f"it with Module.create(ws, name, description)")
        return Module(workspace, entry)

    def publish_python_script(self, script_name: str, description: str, inputs: list,
                              outputs: list, params: dict | None = None,
                              create_sequencing_ports: bool = True,
                              version: str | None = None, is_default: bool = False,
                              source_directory: str | None = None,
                              hash_paths: list | None = None, category: str | None = None,
                              arguments: list | None = None, runconfig: Any = None
                              ) -> ModuleVersion:
        """A new version: the script and its ports (arguments naming ports by their defs)."""
        folder = Path(source_directory or ".").absolute()
        if not (folder / script_name).is_file():
            raise PipelineError(f"publish_python_script: {folder / script_name} not found")
        args = [{"port": a.name} if isinstance(a, (InputPortDef, OutputPortDef)) else str(a)
                for a in arguments or []]
        number = version or str(len(self._entry["versions"]) + 1)
        entry = {"version": number, "script_name": script_name, "description": description,
                 "source_directory": self.workspace.relative(folder),
                 "inputs": _port_names(inputs),
                 "outputs": _port_names(outputs), "arguments": args}
        self._entry = registry.add_version(self.workspace, self.id, entry, is_default)
        self.default_version = self._entry["default_version"]
        return ModuleVersion(self, entry)

    def publish_adla_script(self, *args: Any, **kwargs: Any) -> Any:
        no_local_version("Module.publish_adla_script", "publish a Python script instead")

    def publish_azure_batch(self, *args: Any, **kwargs: Any) -> Any:
        no_local_version("Module.publish_azure_batch", "publish a Python script instead")

    def resolve(self, version: str | None = None) -> ModuleVersion:
        wanted = version or self.default_version
        for entry in self._entry["versions"]:
            if entry["version"] == wanted:
                return ModuleVersion(self, entry)
        raise PipelineError(f"module {self.name!r} has no version {wanted!r}; its versions: "
                            f"{[v['version'] for v in self._entry['versions']]}")

    def module_version_list(self) -> builtins.list[ModuleVersion]:
        return [ModuleVersion(self, e) for e in self._entry["versions"]]

    def __repr__(self) -> str:
        return f"Module({self.name!r}, id={self.id!r})"


ModuleVersionDescriptor = ModuleVersion

__all__ = ["InputPortDef", "Module", "ModuleVersion", "ModuleVersionDescriptor",
           "OutputPortDef"]
__getattr__ = module_getattr(__name__)
