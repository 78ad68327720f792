"""`import azureml...` served by pipeline_widget.azureml.sdk when no Azure ML SDK is installed.

A finder placed last on sys.meta_path: every other finder looks first, so an installed
SDK always wins. It maps `azureml` and its submodules to the local implementation's
modules of the same path. Standard library only: step processes load it at start
(startup/sitecustomize.py), before anything else is imported.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

PREFIX = "azureml"
TARGET = "pipeline_widget.azureml.sdk"
STARTUP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "startup")


def step_environment(env: dict[str, str]) -> dict[str, str]:
    """`env` for a step's process: the startup folder first on PYTHONPATH."""
    rest = env.get("PYTHONPATH", "")
    return {**env, "PYTHONPATH": STARTUP + (os.pathsep + rest if rest else "")}


class _Alias(importlib.abc.Loader):
    """Hands out the local module itself, so `azureml.core` and its target are one object."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:
        pass


def _alias_spec(fullname: str):
    local = TARGET + fullname[len(PREFIX):]
    try:
        found = importlib.util.find_spec(local)
    except (ImportError, ValueError):
        return None
    if found is None:
        return None
    return importlib.machinery.ModuleSpec(fullname, _Alias(local),
                                          is_package=found.submodule_search_locations is not None)


class AzureMLFallback(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: `azureml` itself, when nothing else provides it."""

    def find_spec(self, fullname, path=None, target=None):
        return _alias_spec(fullname) if fullname == PREFIX else None


class AzureMLSubmodules(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: `azureml.x` once `azureml` is ours (else it stays out of the
    way), so submodules are the same objects as the local ones, never second copies."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(PREFIX + "."):
            return None
        if getattr(sys.modules.get(PREFIX), "__name__", None) != TARGET:
            return None
        return _alias_spec(fullname)


def install() -> None:
    """Serve `azureml` imports in this process, unless an SDK is there (it keeps winning)."""
    if not any(isinstance(f, AzureMLFallback) for f in sys.meta_path):
        sys.meta_path.insert(0, AzureMLSubmodules())
        sys.meta_path.append(AzureMLFallback())
