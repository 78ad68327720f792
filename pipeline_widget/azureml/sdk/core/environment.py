"""azureml.core.environment: a v1 Environment is kept by name and version in the workspace
(`register`, `get`, `list`); its packages and Docker settings are not installed (steps run
in this machine's Python and kernels), but its environment_variables are given to the
steps that run in it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...ignored import ignore
from ...missing import MissingNames, module_getattr
from ...registries import environments
from .conda_dependencies import CondaDependencies

DEFAULT_CPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"
DEFAULT_GPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.3-cudnn8-ubuntu20.04"


class Settings(MissingNames):
    """A group of settings (python, docker, spark): any attribute may be set and read back."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


PACKAGES = "Environment packages and Docker settings"


def _python() -> Settings:
    return Settings(conda_dependencies=CondaDependencies(), user_managed_dependencies=False,
                    interpreter_path="python", conda_dependencies_file=None)


def _docker() -> Settings:
    return Settings(enabled=False, base_image=DEFAULT_CPU_IMAGE, base_dockerfile=None,
                    arguments=[], shm_size=None, build_context=None)


class Environment(MissingNames):
    def __init__(self, name: str, **kwargs: Any) -> None:
        self.name = name
        self.version: str | None = None
        self.python: Any = _python()
        self.docker: Any = _docker()
        self.spark: Any = Settings(repositories=[], packages=[], precache_packages=True)
        self.r = None
        self.inferencing_stack_version: str | None = None
        self._environment_variables: dict[str, str] = {}

    @property
    def environment_variables(self) -> dict[str, str]:
        """Variables set in every step that runs in this environment."""
        return self._environment_variables

    @environment_variables.setter
    def environment_variables(self, value: dict[str, Any] | None) -> None:
        self._environment_variables = dict(value or {})

    # -- from files ------------------------------------------------------------------
    @staticmethod
    def from_conda_specification(name: str, file_path: str) -> "Environment":
        env = Environment(name)
        ignore(PACKAGES)
        env.python.conda_dependencies = CondaDependencies(_existing(file_path, name))
        return env

    @staticmethod
    def from_pip_requirements(name: str, file_path: str, pip_version: str | None = None
                              ) -> "Environment":
        env = Environment(name)
        ignore(PACKAGES)
        lines = Path(_existing(file_path, name)).read_text().splitlines()
        for line in lines:
            if line.strip() and not line.strip().startswith("#"):
                env.python.conda_dependencies.add_pip_package(line.strip())
        return env

    @staticmethod
    def from_dockerfile(name: str, dockerfile: str, conda_specification: str | None = None,
                        pip_requirements: str | None = None) -> "Environment":
        env = Environment(name)
        ignore(PACKAGES)
        path = Path(dockerfile)
        env.docker.base_dockerfile = path.read_text() if path.is_file() else dockerfile
        env.docker.base_image = None
        return env

    @staticmethod
    def from_docker_image(name: str, image: str, container_registry: Any = None,
                          conda_specification: str | None = None,
                          pip_requirements: str | None = None) -> "Environment":
        env = Environment(name)
        ignore(PACKAGES)
        env.docker.base_image = image
        return env

    @staticmethod
    def from_existing_conda_environment(name: str, conda_environment_name: str
                                        ) -> "Environment":
        return Environment(name)

    # -- the workspace's registry --------------------------------------------------------
    def register(self, workspace: Any) -> "Environment":
        self.version = environments.register(workspace, self.name, self.to_dict())
        return self

    @staticmethod
    def get(workspace: Any, name: str, version: str | None = None, label: str | None = None
            ) -> "Environment":
        """A registered environment; a curated one (AzureML-...) that was never registered
        here stands for this machine's Python."""
        found = environments.get(workspace, name, version)
        env = Environment(name)
        if found is not None:
            env.version = found["version"]
            env.environment_variables = found.get("environment_variables", {})
        return env

    @staticmethod
    def list(workspace: Any) -> dict[str, "Environment"]:
        return {name: Environment.get(workspace, name) for name in environments.names(workspace)}

    def clone(self, new_name: str) -> "Environment":
        env = Environment(new_name)
        env.environment_variables = dict(self.environment_variables)
        env.python, env.docker = self.python, self.docker
        return env

    def to_dict(self) -> dict[str, Any]:
        deps = self.python.conda_dependencies
        return {"environment_variables": dict(self.environment_variables),
                "pip_packages": list(getattr(deps, "pip_packages", [])),
                "conda_packages": list(getattr(deps, "conda_packages", []))}

    def __repr__(self) -> str:
        return f"Environment(name={self.name!r}, version={self.version!r})"


def _existing(file_path: str, name: str) -> str:
    if not Path(file_path).is_file():
        from ....core.errors import PipelineError

        raise PipelineError(f"environment {name!r}: {file_path} not found; give the path of "
                            f"the file, relative to the current folder")
    return file_path


def variables_of(environment: Any) -> dict[str, str]:
    """The environment variables of a v1 Environment (or of a RunConfiguration's)."""
    env = getattr(environment, "environment", environment)
    values = getattr(env, "environment_variables", None) or {}
    return {str(k): str(v) for k, v in values.items()}


__all__ = ["DEFAULT_CPU_IMAGE", "DEFAULT_GPU_IMAGE", "Environment"]
__getattr__ = module_getattr(__name__)
