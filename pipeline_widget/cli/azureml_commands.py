"""The Azure ML SDK v1 commands: `azureml` (a v1 script or notebook, run here),
`schedules [run-due]` and `registries` (what v1 kept in its service, kept in the
workspace)."""
from __future__ import annotations

import argparse
import os
import time
from typing import Any

from ..core.errors import PipelineError
from ..core.workspace import Workspace

EXIT_OK, EXIT_FAILED = 0, 1
REGISTRIES = ("models", "pipelines", "endpoints", "drafts", "schedules", "environments")


def add_parsers(sub: Any) -> None:
    """The parsers of the commands added here (`azureml` is defined in app.py)."""
    p = sub.add_parser("schedules", help="list the Azure ML v1 schedules kept in the "
                       "workspace; `schedules run-due` runs those that are due (for cron)")
    p.add_argument("action", nargs="?", choices=["run-due"], default=None)
    p = sub.add_parser("registries", help="list what Azure ML v1 code registered in the "
                       "workspace: models, published pipelines, endpoints, drafts, schedules")
    p.add_argument("kind", nargs="?", choices=REGISTRIES, default=None)


def _export_option(rest: list[str]) -> tuple[list[str], str | None]:
    """The script's arguments without `--export FILE`, and FILE (None when not given)."""
    if "--export" not in rest:
        return rest, None
    at = rest.index("--export")
    if at + 1 >= len(rest):
        raise PipelineError("--export needs a file name, e.g. --export my.pipeline.json")
    return rest[:at] + rest[at + 2:], rest[at + 1]


def cmd_azureml(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    from ..azureml.script import run_file
    from ..azureml.sdk.core.workspace import FOLDER_ENV

    rest, export_to = _export_option(list(args.args))
    if getattr(args, "workspace", None):   # given: every v1 Workspace is this one
        os.environ[FOLDER_ENV] = str(ws.path)
    if args.module is not None:
        from ..azureml.script import run_module

        if not args.module:
            raise PipelineError("-m needs a module, e.g. -m ml_service.pipelines.build")
        rest, export_to = _export_option(list(args.module[1:]))
        return run_module(args.module[0], rest, export_to)
    if not args.script:
        raise PipelineError("give a script or notebook to run (pipeline-widget azureml "
                            "build.py), or a module with -m (pipeline-widget azureml -m "
                            "ml_service.pipelines.build)")
    return run_file(args.script, rest, export_to)


def _rows(ws: Workspace, kind: str) -> list[list[str]]:
    from ..azureml.registries import environments, models, pipelines, schedules

    def when(t: Any) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "-"

    if kind == "models":
        return [[m["name"], str(m["version"]), when(m.get("created_time")),
                 ", ".join(f"{k}={v}" for k, v in (m.get("tags") or {}).items()) or "-",
                 m.get("run_id") or "-"]
                for versions in models.versions(ws).values() for m in versions]
    if kind in ("pipelines", "drafts"):
        registry = pipelines.PUBLISHED if kind == "pipelines" else pipelines.DRAFTS
        return [[e["name"], e["id"], str(e.get("version") or "-"), e.get("status", "-"),
                 when(e["created"])] for e in pipelines.all_of(ws, registry)]
    if kind == "endpoints":
        return [[e["name"], e["id"], f"default {e.get('default_version')} of "
                 f"{len(e['versions'])}", e.get("status", "-"), when(e["created"])]
                for e in pipelines.all_of(ws, pipelines.ENDPOINTS)]
    if kind == "schedules":
        return [[e["name"], e["id"], e.get("status", "-"), _when_runs(e),
                 when(e.get("last_run_time"))] for e in schedules.all_of(ws)]
    return [[name, str(len(environments.table.read(ws, environments.NAME)[name]))]
            for name in environments.names(ws)]


HEADERS = {"models": ["name", "version", "registered", "tags", "run"],
           "pipelines": ["name", "id", "version", "status", "published"],
           "drafts": ["name", "id", "version", "status", "created"],
           "endpoints": ["name", "id", "versions", "status", "created"],
           "schedules": ["name", "id", "status", "when", "last run"],
           "environments": ["name", "versions"]}


def _when_runs(entry: dict[str, Any]) -> str:
    r = entry.get("recurrence")
    if r:
        at = ""
        if r.get("hours") or r.get("minutes"):
            at = f" at {r.get('hours') or '*'}:{r.get('minutes') or [0]}"
        days = f" on {','.join(r['week_days'])}" if r.get("week_days") else ""
        return f"every {r['interval']} {r['frequency']}{at}{days}"
    return f"on changes in datastore {entry.get('datastore')}/{entry.get('path_on_datastore') or ''}"


def _table(rows: list[list[str]], header: list[str], out: Any) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip(), file=out)


def cmd_registries(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    for kind in [args.kind] if args.kind else REGISTRIES:
        rows = _rows(ws, kind)
        if not args.kind:
            print(f"{kind}:", file=out)
        if rows:
            _table(rows, HEADERS[kind], out)
        else:
            print(f"no {kind} in {ws.root}", file=out)
    return EXIT_OK


def cmd_schedules(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    if args.action != "run-due":
        rows = _rows(ws, "schedules")
        if not rows:
            print(f"no schedules in {ws.root}; create one with Schedule.create(...)", file=out)
        else:
            _table(rows, HEADERS["schedules"], out)
        return EXIT_OK
    from ..azureml import submitted
    from ..azureml.sdk.pipeline.core.schedule import run_due
    from ..run.step.azureml_imports import install

    install()
    started = run_due(ws if isinstance(ws, Workspace) else Workspace(ws), time.time())
    if not started:
        print("no schedule is due", file=out)
    for name, run in started:
        print(f"{name}: started run {run.id}", file=out, flush=True)
    failed = submitted.finish(out)
    for name, run in started:
        print(f"{name}: run {run.id} {run.get_status()}", file=out)
    return EXIT_FAILED if failed else EXIT_OK


COMMANDS = {"azureml": cmd_azureml, "schedules": cmd_schedules, "registries": cmd_registries}
