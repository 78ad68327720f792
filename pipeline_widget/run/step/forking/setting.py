"""The one setting of kernel forking: an environment variable, so that every process a run
starts (Dask workers included) decides alike. The command line's `--no-fork-kernels` sets it
for its run. Standard library only: the command line reads it before it loads a run."""
from __future__ import annotations

import os
import sys

FORK_ENV = "PIPELINE_WIDGET_FORK_KERNELS"   # "0" (or off/false/no): start kernels as programs
OFF = "0"


def enabled() -> bool:
    """Whether kernels are forked (the default, on Linux), or each started as a program."""
    value = os.environ.get(FORK_ENV, "1").strip().lower()
    return sys.platform.startswith("linux") and value not in (OFF, "off", "false", "no")
