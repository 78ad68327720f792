"""`import` (Elyra, Ploomber -> .pipeline.json) and `export` (.pipeline.json -> Elyra,
Airflow, Kubeflow Pipelines): views over pipeline_widget.interop."""
from __future__ import annotations

import argparse
from typing import Any

from ..core.errors import PipelineError
from ..core.workspace import Workspace

EXIT_OK = 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("import", help="read an Elyra .pipeline or a Ploomber pipeline.yaml "
                       "into a .pipeline.json (its notebooks run unchanged)")
    p.add_argument("file", help="FILE.pipeline (Elyra) or pipeline.yaml (Ploomber)")
    p.add_argument("-o", "--output", default=None, metavar="OUT.pipeline.json",
                   help="where to save it (default: beside FILE, FILE.pipeline.json)")
    p.add_argument("--format", default=None, help="the file's format when its name does not "
                   "say (elyra, ploomber, or one a plug-in adds)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p = sub.add_parser("export", help="write a .pipeline.json for another tool: an Airflow "
                       "DAG, a Kubeflow pipeline, an Elyra .pipeline, a Ploomber pipeline.yaml")
    p.add_argument("file", help="the .pipeline.json to export")
    p.add_argument("--to", nargs=2, required=True, metavar=("TARGET", "OUT"),
                   help="airflow DAG.py | kfp PIPELINE.yaml | elyra FILE.pipeline | ploomber "
                        "pipeline.yaml (a project imported from Ploomber)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--command", dest="runner_command", default=None, metavar="COMMAND",
                   help="how the tasks start pipeline-widget where they run (default: this "
                        "Python, -m pipeline_widget)")
    p.add_argument("--dag-id", default=None, help="airflow: the DAG's id (default: from the "
                   "pipeline's name)")
    p.add_argument("--kfp-python", default=None, help="kfp: the python of an environment "
                   "with kfp 2, when this one has none")
    p.add_argument("--base-image", default=None, help="kfp: the components' image")


def cmd_import(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    from ..interop import import_file

    written, notes = import_file(args.file, args.output, workspace=ws, format=args.format,
                                 force=args.force)
    for note in notes:
        print(f"note: {note}", file=out)
    print(f"wrote {written}", file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, ws: Workspace, out: Any) -> int:
    from ..interop import export_file

    target, destination = args.to
    if target.startswith("-"):
        raise PipelineError("--to takes a target and a file: --to airflow DAG.py")
    options = {"command": args.runner_command, "dag_id": args.dag_id, "kfp_python": args.kfp_python,
               "base_image": args.base_image}
    notes = export_file(args.file, target, destination, workspace=ws, force=args.force,
                        options={k: v for k, v in options.items() if v})
    for note in notes:
        print(f"note: {note}", file=out)
    print(f"wrote {destination}", file=out)
    return EXIT_OK


COMMANDS = {"import": cmd_import, "export": cmd_export}
