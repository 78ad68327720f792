"""`cancel RUN_ID`: cancel a run that another process runs (a terminal, a notebook, an
Airflow task): its runners notice the request in the run's record folder and stop it as
Ctrl-C would; with --wait, until the record says it ended."""
from __future__ import annotations

import argparse
import time
from typing import Any

from ..core.errors import PipelineError
from ..core.workspace import Workspace

EXIT_OK = 0
WAIT_EVERY = 0.2   # seconds between looks at the record while waiting


def add_parser(sub: Any) -> None:
    p = sub.add_parser("cancel", help="cancel a running run, whatever process runs it: steps "
                       "running stop, the others do not start")
    p.add_argument("run_id")
    p.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                   help="wait up to SECONDS for the run to end, and say how it ended")


def cmd_cancel(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    from ..run.cancel import request
    from ..run.records import store

    if not request(ws, args.run_id):
        record = store.load(ws, args.run_id)
        raise PipelineError(f"run {args.run_id} already ended ({record.status.value}); "
                            f"nothing to cancel")
    print(f"asked the runner of {args.run_id} to cancel it", file=out)
    if args.wait is None:
        return EXIT_OK
    deadline = time.monotonic() + max(args.wait, 0)
    while True:
        record = store.load(ws, args.run_id)
        if record.status.is_terminal:
            print(f"{args.run_id}: {record.status.value}", file=out)
            return EXIT_OK
        if time.monotonic() >= deadline:
            raise PipelineError(f"run {args.run_id} is still {record.status.value} after "
                                f"{args.wait:g} s; its runner (pid {record.pid} on "
                                f"{record.host}) stops it when it next looks")
        time.sleep(WAIT_EVERY)


COMMANDS = {"cancel": cmd_cancel}
