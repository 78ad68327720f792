"""The command line's entry point: arguments, the workspace, and how an outcome exits.

Exit codes: 0 success, 1 a step failed, 2 bad input (message only), 130 interrupted,
141 the reader of the output went away (`| head`): the run was canceled, a sweep stopped.
"""
from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import threading
from typing import Callable, NoReturn, Sequence

from ..core.errors import PipelineError
from ..core.printable import printable
from ..core.workspace import Workspace
from ..run.step.forking.setting import FORK_ENV
from ..run.step.forking.setting import OFF as FORK_OFF
from . import azureml_commands, cancel_command, interop_commands, terminal, unused_imports
from .exit_codes import EXIT_BAD_INPUT, EXIT_INTERRUPTED

MAX_SWEEP_RUNS = 1000     # the most runs a --sweep makes unless --max-runs says more


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors are bad input too
        self.print_usage(sys.stderr)
        raise PipelineError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline-widget", description="Run and inspect pipelines of "
                     "notebooks and scripts linked by PipelineData.")
    parser.add_argument("--workspace", default=None, help="the project folder whose "
                        "pipeline_workspace/ holds runs and data (default: the nearest folder "
                        "at or above the current one that has one, else a .git or "
                        "pyproject.toml, else the current folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="override a pipeline parameter (JSON value or plain text)")
        p.add_argument("--max-parallel", type=int, default=None, metavar="N",
                       help="steps run at once (default: CPU count)")
        p.add_argument("--no-reuse", action="store_true", help="run every step again")
        p.add_argument("--retries", type=int, default=None, metavar="N",
                       help="attempts after a failure, for steps that set none (default 0)")
        p.add_argument("--executor", default=None,
                       help="local (default), dask (a new local cluster) or dask://host:8786")
        no_fork_kernels(p)

    def no_fork_kernels(p: argparse.ArgumentParser) -> None:
        p.add_argument("--no-fork-kernels", action="store_true",
                       help=f"start each step's kernel as a program instead of forking it from "
                            f"a kernel fork server (as {FORK_ENV}=0 in the environment)")

    def selection(p: argparse.ArgumentParser) -> None:
        for flag, dest, what in (("--only", "only", "this step"),
                                 ("--from", "from_steps", "this step and everything downstream"),
                                 ("--to", "to_steps", "this step and everything upstream")):
            p.add_argument(flag, dest=dest, action="append", default=[], metavar="STEP",
                           help=f"a partial run: {what} (repeatable)")

    p = sub.add_parser("run", help="run a .pipeline.json file")
    p.add_argument("file")
    selection(p)
    p.add_argument("--experiment", default=None, help="experiment name (default: the pipeline's)")
    p.add_argument("--continue-on-failure", action="store_true",
                   help="keep running branches that do not depend on a failed step")
    p.add_argument("--sweep", action="append", default=[], metavar="NAME=V1,V2,...",
                   help="one run per combination of values (repeatable, one per parameter); "
                        "steps the values do not reach run once and are reused by the other runs")
    p.add_argument("--max-runs", type=int, default=MAX_SWEEP_RUNS, metavar="N",
                   help=f"the most runs a sweep may make (default {MAX_SWEEP_RUNS})")
    p.add_argument("--join", default=None, metavar="RUN_ID",
                   help="run the selected steps as part of run RUN_ID, whose other steps other "
                        "processes run (made by the first); one record for all")
    p.add_argument("--once", action="store_true",
                   help="attempt each step once, whatever its retries: for a scheduler (Airflow, "
                        "Kubeflow) that retries this command itself")
    run_options(p)
    cancel_command.add_parser(sub)
    p = sub.add_parser("validate", help="check a .pipeline.json file without running it")
    p.add_argument("file")
    p = sub.add_parser("runs", help="list the runs of the workspace")
    p.add_argument("--metrics", action="store_true",
                   help="a column for each parameter and each logged metric (step.metric)")
    p = sub.add_parser("show", help="describe one run: steps, statuses, outputs, notebooks")
    p.add_argument("run_id")
    p = sub.add_parser("rerun", help="run an earlier run's pipeline again with its parameters")
    p.add_argument("run_id")
    run_options(p)
    p = sub.add_parser("resume", help="go on with a run whose runner stopped: finished steps "
                       "are kept, the others run again, under the same run id")
    p.add_argument("run_id")
    p.add_argument("--max-parallel", type=int, default=None, metavar="N",
                   help="steps run at once (default: CPU count)")
    p.add_argument("--executor", default=None, help="where the remaining steps run")
    no_fork_kernels(p)
    p = sub.add_parser("status", help="what a run would do now, without running: each step "
                       "reused or run, and why")
    p.add_argument("file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a pipeline parameter's value, as for run")
    p.add_argument("--json", action="store_true", help="one JSON object per step")
    selection(p)
    p = sub.add_parser("azureml", help="run an Azure ML SDK v1 script or notebook here, its "
                       "azureml imports served locally (--export FILE: save a script's pipeline "
                       "instead)")
    p.add_argument("script", nargs="?", help="a .py script or a .ipynb notebook")
    p.add_argument("-m", dest="module", nargs=argparse.REMAINDER, default=None,
                   metavar="MODULE ARGS", help="run a module of the current folder instead, "
                   "with its arguments, as python -m does")
    p.add_argument("args", nargs=argparse.REMAINDER,
                   help="the script's own arguments; --export FILE.pipeline.json among them "
                        "saves the pipeline the script builds, without running it")
    azureml_commands.add_parsers(sub)
    interop_commands.add_parsers(sub)
    for name in ("run", "validate", "runs", "show", "rerun", "resume", "status",
                 *cancel_command.COMMANDS, *azureml_commands.COMMANDS,
                 *interop_commands.COMMANDS):
        sub.choices[name].add_argument("--workspace", default=argparse.SUPPRESS,
                                       help=argparse.SUPPRESS)
    return parser


def _commands() -> dict[str, Callable[..., int]]:
    """Each command's function, by name: loaded once the arguments are read (a run's
    kernel fork server starts first, see main)."""
    from .commands import cmd_rerun, cmd_resume, cmd_run, cmd_runs, cmd_show, cmd_status, cmd_validate

    return {"run": cmd_run, "validate": cmd_validate, "runs": cmd_runs, "show": cmd_show,
            "rerun": cmd_rerun, "resume": cmd_resume, "status": cmd_status,
            **cancel_command.COMMANDS, **azureml_commands.COMMANDS, **interop_commands.COMMANDS}


def _start_kernel_server(workspace: Workspace) -> None:
    """A first run in a workspace: its kernel fork server boots while the rest of the
    command loads (run/step/forking/ahead.py). A failure here only costs that head start."""
    try:
        from ..run.step.forking.ahead import start_for_first_run

        start_for_first_run(workspace)
    except Exception:
        pass


def _interrupt(signum, frame) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, out=None) -> int:
    out = terminal.Terminal(out or sys.stdout)
    err_out = terminal.stderr()
    kept: dict[str, str] | None = None   # the environment before --no-fork-kernels
    unused_imports.skip()
    # SIGTERM is Ctrl-C for the whole command, submission included (a run, once started,
    # replaces this with a clean cancel)
    old_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        for arg in argv:
            if "\x00" in arg:
                raise PipelineError(f"argument {printable(arg)!r} holds a NUL character, which no "
                                    f"file name or value can hold; type it again")
        args = build_parser().parse_args(argv)
        for option in ("max_parallel", "max_runs"):
            if getattr(args, option, None) is not None and getattr(args, option) < 1:
                raise PipelineError(f"--{option.replace('_', '-')} must be at least 1")
        if getattr(args, "no_fork_kernels", False):
            # in the environment, so that what the run starts (Dask workers too) sees it
            kept = dict(os.environ)
            os.environ[FORK_ENV] = FORK_OFF
        workspace = Workspace(args.workspace)
        if args.command == "run" and args.executor in (None, "local"):
            _start_kernel_server(workspace)
        return _commands()[args.command](args, workspace, out)
    except PipelineError as err:
        print(f"error: {err}", file=err_out)
        return EXIT_BAD_INPUT
    except OSError as err:  # the disk or the folders said no: the user's to fix, not a bug
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}; check that the folder exists and that "
              f"you may read and write it, or pass --workspace DIR", file=err_out)
        return EXIT_BAD_INPUT
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    except KeyboardInterrupt:  # before a run started (a started run cancels itself)
        print("\ninterrupted", file=err_out)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, old_term)
        if kept is not None:   # main called by a process that goes on: its setting as it was
            from ..run.executors.kept_environment import put_back

            put_back(kept, {FORK_ENV})


def entry() -> NoReturn:
    """The `pipeline-widget` program: `main`, then an exit that skips tearing down the
    interpreter's modules one by one (a tenth of a second after the last step, for
    nothing): output is flushed and exit handlers run first (they end the kernel fork
    servers), and a command that left threads of its own running exits normally."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a reader gone (| head), a closed stream
            pass
    others = [t for t in threading.enumerate()
              if t is not threading.main_thread() and t.is_alive() and not t.daemon]
    if others:
        sys.exit(code)
    atexit._run_exitfuncs()
    os._exit(code)
