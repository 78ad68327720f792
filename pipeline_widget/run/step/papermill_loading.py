"""Importing papermill without paying for what running a step's notebook never uses.

papermill's package imports, as it loads, `requests` for its HTTP storage back-end (used
only for notebooks read from or written to a URL), `click` for its command line's help about
a notebook's parameters, and calls the deprecated `entrypoints` package twice, which reads
the entry points of every installed distribution again. Together that is about 90 ms of a
run's start-up. While papermill's modules load, this gives them:

- stand-ins for `requests` and `click` that import the real module at its first use (so the
  HTTP back-end and the help still work, they only load later);
- a stand-in for `entrypoints` that answers from the process's one reading of the installed
  entry points (core.plugins), as importlib.metadata gives them (a name and `load()`, which
  is all papermill uses of them).

The stand-ins are in `sys.modules` only while papermill's modules load: any other import of
those names, then or later, gets the real modules.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from ...core import plugins
from .jupyter_imports import LOCK

LOADED_AT_FIRST_USE = ("requests", "click")   # what papermill uses only in some functions


class _OnFirstUse(types.ModuleType):
    """A module that imports the real one of its name when one of its attributes is read."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def _entry_points_module() -> types.ModuleType:
    module = types.ModuleType("entrypoints", "The installed entry points, read once.")

    def get_group_all(group: str, path: Any = None) -> list[Any]:
        return list(plugins.entry_points_of(group))

    module.get_group_all = get_group_all  # type: ignore[attr-defined]
    return module


def import_papermill() -> types.ModuleType:
    """papermill, imported now if it is not yet (see the module's text); a thread that
    asks while another imports it waits for that import (and for any other import of
    Jupyter's packages: jupyter_imports.py)."""
    with LOCK:
        if "papermill" in sys.modules:   # imported whole: the lock was held meanwhile
            return sys.modules["papermill"]
        return _import_with_stand_ins()


def _import_with_stand_ins() -> types.ModuleType:
    stand_ins: dict[str, types.ModuleType] = {
        name: _OnFirstUse(name) for name in LOADED_AT_FIRST_USE if name not in sys.modules}
    if "entrypoints" not in sys.modules:
        stand_ins["entrypoints"] = _entry_points_module()
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("papermill")
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
