"""What a process reads of its environment as it starts, and what changed since.

A kernel started ahead of its step (warm, or forked from a server started earlier) was
started under the runner's environment of that moment. Variables read as a Python process
starts (its sys.path, libraries, IPython's folders) cannot be changed afterwards: a kernel
or server started under other values is not used. Any other change is applied to the
kernel before its step, so it sees what a kernel started now would."""
from __future__ import annotations

import os

STARTUP_PREFIXES = ("PYTHON", "LD_", "JUPYTER", "IPYTHON", "MPL")
STARTUP_NAMES = {"PATH", "HOME", "VIRTUAL_ENV", "CONDA_PREFIX"}


def startup_values(env: dict[str, str]) -> dict[str, str]:
    """The variables of `env` a starting Python reads."""
    return {k: v for k, v in env.items() if k in STARTUP_NAMES or k.startswith(STARTUP_PREFIXES)}


def environment_changes(started: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(set, unset): what differs in the runner's environment now from `started`."""
    now = dict(os.environ)
    changed = {k: v for k, v in now.items() if started.get(k) != v}
    return changed, sorted(k for k in started if k not in now)
