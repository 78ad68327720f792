"""azureml.core.runconfig: run configurations. Their environment's variables reach the
step; the rest (Docker, MPI, node counts) has no local meaning and is kept unused."""
from __future__ import annotations

from typing import Any

from ...ignored import Accepted, ignore
from ...missing import MissingNames, module_getattr
from .conda_dependencies import CondaDependencies
from .environment import DEFAULT_CPU_IMAGE, DEFAULT_GPU_IMAGE, Environment, Settings


class RunConfiguration(MissingNames):
    def __init__(self, script: str | None = None, arguments: list | None = None,
                 framework: str | None = None, communicator: str | None = None,
                 conda_dependencies: CondaDependencies | None = None,
                 _history_enabled: Any = None, _path: Any = None, _name: Any = None,
                 command: Any = None) -> None:
        ignore("RunConfiguration")
        self.script, self.arguments, self.command = script, list(arguments or []), command
        self.framework, self.communicator = framework or "Python", communicator or "None"
        self.environment: Any = Environment("default-environment")
        if conda_dependencies is not None:
            self.environment.python.conda_dependencies = conda_dependencies
        self.target = "local"
        self.node_count = 1
        self.mpi = MpiConfiguration()
        self.docker = Settings(use_docker=False, shm_size=None, arguments=[])
        self.data_references: dict[str, Any] = {}
        self.data: dict[str, Any] = {}
        self.history = Settings(output_collection=True, snapshot_project=True)

    @property
    def environment_variables(self) -> dict[str, str]:
        return self.environment.environment_variables

    @environment_variables.setter
    def environment_variables(self, value: dict[str, Any]) -> None:
        self.environment.environment_variables = value

    def save(self, path: str | None = None, name: str | None = None,
             separate_environment_yaml: bool = False) -> None:
        ignore("RunConfiguration.save")


class DockerConfiguration(Accepted):
    pass


class MpiConfiguration(MissingNames):
    def __init__(self, process_count_per_node: int = 1, node_count: int = 1) -> None:
        self.process_count_per_node, self.node_count = process_count_per_node, node_count


class PyTorchConfiguration(MpiConfiguration):
    pass


class TensorflowConfiguration(MpiConfiguration):
    pass


__all__ = ["CondaDependencies", "DEFAULT_CPU_IMAGE", "DEFAULT_GPU_IMAGE",
           "DockerConfiguration", "MpiConfiguration", "RunConfiguration"]
__getattr__ = module_getattr(__name__)
