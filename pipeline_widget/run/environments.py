"""A step's environment as the runner prepares it: its variables (references resolved),
its interpreter, and the identity of both in its fingerprint.

An interpreter's Python version is asked once and remembered while the interpreter's
file is unchanged (the reuse cache's stat memo), so checking costs a stat.
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from ..core import environment as variables
from ..core.errors import PipelineError
from ..core.steps import Step
from .reuse.digests import DigestMemo

VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"


def resolved_environment(step: Step) -> dict[str, str]:
    """The step's variables with `${NAME}` taken from the runner's environment now."""
    return variables.resolve(step.name, step.environment, os.environ)


def interpreter_for(step: Step) -> str | None:
    """The Python a script step runs in: its path, or its kernel's Python; None: the
    runner's own. A kernel that is not installed, or a path that is not there, is bad input."""
    wanted = step.interpreter
    if not wanted:
        return None
    if os.path.isabs(wanted):
        if not os.access(wanted, os.X_OK):
            raise PipelineError(f"step {step.name!r}: interpreter {wanted} is not an executable "
                                f"file; give the path of a python, or the name of a kernel")
        return wanted
    from .step.kernelspecs import kernel_interpreter

    found = kernel_interpreter(wanted)
    if found is None:
        raise PipelineError(f"step {step.name!r}: interpreter {wanted!r} is neither a path nor "
                            f"an installed kernel; see `jupyter kernelspec list`")
    return found


def _version(executable: str) -> str:
    try:
        done = subprocess.run([executable, "-c", VERSION_CODE], capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"unknown ({err})"
    return done.stdout.strip() or f"unknown (exit {done.returncode})"


def python_version(executable: str, memo: DigestMemo) -> str:
    if executable == sys.executable or \
            os.path.realpath(executable) == os.path.realpath(sys.executable):
        return "%d.%d.%d" % sys.version_info[:3]
    try:
        return memo.derived(executable, "python", _version)
    except OSError:
        return "missing"


def identity(step: Step, kernel_name: str | None, interpreter: str | None,
             environment: dict[str, str], memo: DigestMemo) -> dict[str, Any]:
    """What of the step's environment decides its result: its kernel or interpreter, that
    Python's version, and its variables (referenced values by digest)."""
    if kernel_name is not None:
        from .step.kernelspecs import kernel_interpreter

        program = kernel_interpreter(kernel_name)
        where: dict[str, Any] = {"kernel": kernel_name}
    elif step.takes_arguments:
        program = interpreter or sys.executable
        where = {"interpreter": step.interpreter or "python"}
    else:
        program, where = None, {}
    if program is not None:
        where["python"] = python_version(program, memo)
    return {**where, "variables": variables.identity(step.environment, environment)}
