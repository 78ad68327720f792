"""What Azure ML SDK v1 has and this project does not (yet): one clear error for it.

v1 code stops with an AttributeError or ModuleNotFoundError deep in a notebook when a name
is missing, which reads as a bug. Instead, any missing `azureml...` module is served as a
placeholder, and any missing name of a local module raises NoLocalVersion, which names the
v1 API and says it has no local version yet.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any, Callable, NoReturn

from ..core.errors import PipelineError

README = "the README's 'Coming from Azure ML SDK v1' table"


class NoLocalVersion(PipelineError, NotImplementedError):
    """A v1 API that has no local version yet."""


class NoLocalAttribute(NoLocalVersion, AttributeError):
    """A missing attribute of a v1 object: also an AttributeError, so that getattr with a
    default and hasattr keep their meaning, while its message says what is missing."""


def no_local_version(api: str, instead: str | None = None) -> NoReturn:
    """Raise the one error for a v1 API that has no local version (`instead`: what to do)."""
    hint = f"; {instead}" if instead else f"; see {README} for what runs here"
    raise NoLocalVersion(f"{api} (Azure ML SDK v1) has no local version yet{hint}")


LOCAL = "pipeline_widget.azureml.sdk"


def v1_name(local: str) -> str:
    """`pipeline_widget.azureml.sdk.core` -> `azureml.core`."""
    return "azureml" + local[len(LOCAL):] if local.startswith(LOCAL) else local


def module_getattr(module: str) -> Callable[[str], Any]:
    """A local module's __getattr__: a missing public name is NoLocalVersion. A submodule
    not imported yet stays an AttributeError, which is how `from package import module`
    asks the import system to import it."""
    def __getattr__(name: str) -> Any:
        if name.startswith("_") or _is_submodule(module, name):
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        no_local_version(f"{v1_name(module)}.{name}")
    return __getattr__


def _is_submodule(package: str, name: str) -> bool:
    if getattr(sys.modules.get(package), "__path__", None) is None:
        return False
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except (ImportError, ValueError):
        return False


class MissingNames:
    """For classes: a missing public attribute is NoLocalAttribute, whose message names
    the v1 API and says it has no local version yet."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise NoLocalAttribute(f"{type(self).__name__}.{name} (Azure ML SDK v1) has no local "
                               f"version yet; see {README} for what runs here")


class PlaceholderModule(types.ModuleType):
    """A v1 module with no local version. Its capitalised names (classes) raise
    NoLocalVersion; other names import as placeholders too (they may be modules), and
    calling one (a function) raises NoLocalVersion."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        if not name[:1].isupper():
            return importlib.import_module(f"{self.__name__}.{name}")
        no_local_version(f"{self.__name__}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        no_local_version(f"{self.__name__}()")


class _Placeholder(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = PlaceholderModule(spec.name, f"{spec.name}: no local version yet")
        module.__path__ = []          # a package: its submodules are placeholders too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class MissingModules(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: an `azureml.x` module that neither an installed SDK nor the
    local one has imports as a placeholder whose names raise NoLocalVersion."""

    def __init__(self, prefix: str, local: str) -> None:
        self.prefix, self.local = prefix, local

    def find_spec(self, fullname: str, path: Any = None, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(self.prefix + "."):
            return None
        if getattr(sys.modules.get(self.prefix), "__name__", None) != self.local:
            return None   # an installed SDK: its own errors stand
        return importlib.machinery.ModuleSpec(fullname, _Placeholder(), is_package=True)


def install(prefix: str = "azureml", local: str = "pipeline_widget.azureml.sdk") -> None:
    if not any(isinstance(f, MissingModules) for f in sys.meta_path):
        sys.meta_path.append(MissingModules(prefix, local))
