"""Jupyter's packages imported from several threads at once, one thread at a time.

A run imports jupyter_client, papermill and nbclient at its start on more than one thread:
its kernels' starting threads, the thread that loads papermill, and the thread that checks
the run. Their modules import each other (traitlets.config's, jupyter_client's), and two
threads that enter such a cycle from different ends fail: Python's per-module import locks
raise `_DeadlockError`, or one thread finds the other's module half made ("partially
initialized module"). Those imports go through one lock: the first thread imports, the
others wait for it and then take the module whole.
"""
from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

LOCK = threading.RLock()


def import_module(name: str) -> ModuleType:
    """The module `name`, imported under the lock unless it is already whole."""
    module = sys.modules.get(name)
    if module is not None and not getattr(getattr(module, "__spec__", None),
                                          "_initializing", False):
        return module
    with LOCK:
        return importlib.import_module(name)
