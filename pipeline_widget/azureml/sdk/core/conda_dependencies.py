"""azureml.core.conda_dependencies.CondaDependencies: the packages a v1 environment lists.
Kept (and written out by `save`), never installed: steps run in this machine's Python."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...missing import MissingNames, module_getattr


class CondaDependencies(MissingNames):
    def __init__(self, conda_dependencies_file_path: str | None = None,
                 _underlying_structure: Any = None) -> None:
        self.conda_packages: list[str] = []
        self.pip_packages: list[str] = []
        self.channels: list[str] = ["conda-forge"]
        self.python_version: str | None = None
        if conda_dependencies_file_path:
            self._read(Path(conda_dependencies_file_path))

    def _read(self, path: Path) -> None:
        """The package names of a conda YAML file (dependencies, and its pip: list)."""
        in_pip = False
        for line in path.read_text().splitlines():
            item = line.strip()
            if not item.startswith("- "):
                in_pip = False if item and not item.startswith("#") else in_pip
                continue
            value = item[2:].strip()
            if value.rstrip(":") == "pip" and value.endswith(":"):
                in_pip = True
            elif in_pip or line.startswith("    ") and self.conda_packages:
                self.pip_packages.append(value)
            else:
                self.conda_packages.append(value)

    @staticmethod
    def create(pip_indexurl: str | None = None, pip_packages: list[str] | None = None,
               conda_packages: list[str] | None = None, python_version: str | None = None,
               pin_sdk_version: bool = True) -> "CondaDependencies":
        deps = CondaDependencies()
        deps.pip_packages = list(pip_packages or [])
        deps.conda_packages = list(conda_packages or [])
        deps.python_version = python_version
        return deps

    def add_conda_package(self, conda_package: str) -> None:
        self.conda_packages.append(conda_package)

    def add_pip_package(self, pip_package: str) -> None:
        self.pip_packages.append(pip_package)

    def add_channel(self, channel: str) -> None:
        self.channels.append(channel)

    def set_python_version(self, version: str) -> None:
        self.python_version = version

    def remove_pip_package(self, pip_package: str) -> None:
        self.pip_packages = [p for p in self.pip_packages if p.split("=")[0] != pip_package]

    def remove_conda_package(self, conda_package: str) -> None:
        self.conda_packages = [p for p in self.conda_packages
                               if p.split("=")[0] != conda_package]

    def serialize_to_string(self) -> str:
        python = [f"python={self.python_version}"] if self.python_version else []
        lines = ["name: project_environment", "dependencies:",
                 *(f"- {p}" for p in [*python, *self.conda_packages])]
        if self.pip_packages:
            lines += ["- pip:", *(f"  - {p}" for p in self.pip_packages)]
        lines += ["channels:", *(f"- {c}" for c in self.channels)]
        return "\n".join(lines) + "\n"

    def save(self, path: str | None = None) -> str:
        target = Path(path or "conda_dependencies.yml")
        target.write_text(self.serialize_to_string())
        return str(target)

    save_to_file = save

    def __repr__(self) -> str:
        return f"CondaDependencies(pip={self.pip_packages}, conda={self.conda_packages})"


__all__ = ["CondaDependencies"]
__getattr__ = module_getattr(__name__)
