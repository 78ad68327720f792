"""The kernel fork server started before a run is planned, so that it boots while the
command line loads what a run needs (a tenth of a second of imports, then the plan).

Only where the run surely needs it: forking is on and the workspace keeps no step results
yet, so every notebook step runs, in the default kernel unless it names another. Elsewhere
the run starts its server once its plan shows a step to run (an unchanged re-run starts
none). A server started here that no step uses ends with this process, as any other."""
from __future__ import annotations

import os

from ....core.workspace import Workspace
from ..kernelspecs import DEFAULT_KERNEL_NAME, fork_server_start
from .client import server_for
from .setting import enabled


def start_for_first_run(workspace: Workspace) -> bool:
    """Start the default kernel's fork server without waiting for it, if `workspace` keeps
    no results and its project folder exists (the server runs there until the run gives
    its kernels their own folder); whether it was started."""
    if not enabled() or not workspace.path.is_dir() or _keeps_results(workspace):
        return False
    found = fork_server_start(DEFAULT_KERNEL_NAME)
    if found is None:
        return False
    server_for(*found, str(workspace.path), wait=False)
    return True


def _keeps_results(workspace: Workspace) -> bool:
    try:
        with os.scandir(workspace.results_dir) as entries:
            return any(True for _ in entries)
    except FileNotFoundError:
        return False
    except OSError:   # unreadable: say it keeps some (the run decides as it always does)
        return True
