"""Kernelspecs as files: which program a kernel name starts and with which variables, read
without jupyter_client or IPython (an unchanged re-run needs neither, and the kernel fork
server can start while they load)."""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any

from .azureml_imports import step_environment
from .forking.client import forkable

DEFAULT_KERNEL_NAME = "python3"
_PYTHON_NAMES = {"python", f"python{sys.version_info[0]}", "python%i.%i" % sys.version_info[:2]}


def kernel_argv(argv: list[str]) -> list[str]:
    """A kernelspec's command as it is started: a bare `python` is the runner's own, as
    jupyter_client would make it were it first on PATH."""
    argv = list(argv)
    if argv and argv[0] in _PYTHON_NAMES:
        argv[0] = sys.executable
    return argv


def kernel_dirs() -> list[str]:
    """The folders kernelspecs are found in, in order: jupyter_client's, including IPython's
    own kernels folder, found here without importing IPython (jupyter_client's default
    imports it, about 50 ms for a process that never runs IPython itself)."""
    from jupyter_core.paths import jupyter_path

    ipython_dir = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"),
                                                                ".ipython")
    return [*jupyter_path("kernels"), os.path.join(ipython_dir, "kernels")]


def installed_spec(kernel_name: str) -> dict[str, Any] | None:
    """The kernel.json of this name where jupyter_client would find it; ipykernel's own
    kernel when no kernelspec of the default name is installed."""
    for folder in kernel_dirs():
        spec = Path(folder) / kernel_name.lower() / "kernel.json"
        try:
            found = json.loads(spec.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        argv = found.get("argv") if isinstance(found, dict) else None
        if isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv):
            return {**found, "argv": kernel_argv(argv)}
    if kernel_name == DEFAULT_KERNEL_NAME:
        return {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    return None


@functools.lru_cache(maxsize=64)
def kernel_interpreter(kernel_name: str) -> str | None:
    """The program a kernel of this name runs (its Python), None if it is not installed."""
    spec = installed_spec(kernel_name)
    return spec["argv"][0] if spec else None


def start_environment() -> dict[str, str]:
    """The variables a kernel is started with (the runner's, for its step's Python)."""
    return step_environment({**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})


def fork_server_start(kernel_name: str) -> tuple[str, dict[str, str]] | None:
    """The Python and the variables the kernel fork server of this kernel name starts
    with; None if its kernels are not forked: not the standard launcher, not installed, or
    a kernelspec that sets variables (left to the kernel's own start, which starts the
    same server)."""
    spec = installed_spec(kernel_name)
    if spec is None or spec.get("env") or not forkable(spec["argv"]):
        return None
    environment = start_environment()
    environment.pop("PYTHONEXECUTABLE", None)   # as jupyter_client starts a Python kernel
    return spec["argv"][0], environment
