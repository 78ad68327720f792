"""A HyperDrive sweep, run locally as one step: the training script once per parameter set
(at most --max-concurrent at once), each trial in its own folder (links to the step's
source folder, its own ./outputs and ./logs) with its own run context, so its
Run.get_context().log(...) lands in the trial's metrics. The best trial by the primary
metric (its last logged value) is written to hyperdrive.json in the step's record folder
and logged on the step.

Run as the step's script: hyperdrive.py OPTIONS -- TRAINING SCRIPT ARGUMENTS."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

CONTEXT_ENV = "PIPELINE_WIDGET_CONTEXT"   # as run/context.py names it
OWN = ("outputs", "logs")


def _options(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    own, rest = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, [])
    cli = argparse.ArgumentParser(prog="HyperDriveStep")
    cli.add_argument("--script", required=True)
    cli.add_argument("--primary-metric", required=True)
    cli.add_argument("--goal", choices=["MAXIMIZE", "MINIMIZE"], required=True)
    cli.add_argument("--max-concurrent", type=int, default=1)
    cli.add_argument("--parameter-sets", required=True)
    cli.add_argument("--metrics-output", default=None)
    cli.add_argument("--model-output", default=None)
    cli.add_argument("--model-file", default="outputs")
    return cli.parse_args(own), rest


def _arguments(parameters: dict[str, Any]) -> list[str]:
    """Hyperparameters as the script's arguments: {"--rate": 0.1} -> ["--rate", "0.1"]."""
    args = []
    for key, value in parameters.items():
        args += [key if key.startswith("-") else f"--{key}", str(value)]
    return args


def _metrics(path: Path) -> dict[str, Any]:
    values: dict[str, list[Any]] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            values.setdefault(item["name"], []).append(item["value"])
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


def _trial(index: int, parameters: dict[str, Any], options: argparse.Namespace,
           rest: list[str], record: Path, context: dict[str, Any]) -> dict[str, Any]:
    folder = record / "trials" / str(index)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    here = Path.cwd()
    for entry in sorted(os.listdir(here)):
        if entry not in OWN:
            (folder / entry).symlink_to(os.path.realpath(here / entry))
    for own in OWN:
        (folder / own).mkdir()
    run_id = f"{context.get('step_run_id', 'HD')}_HD_{index}"
    own_context = {**context, "step_run_id": run_id,
                   "metrics_file": str(folder / "metrics.jsonl")}
    (folder / "context.json").write_text(json.dumps(own_context))
    arguments = [*rest, *_arguments(parameters)]
    with open(folder / "stdout.txt", "wb") as out, open(folder / "stderr.txt", "wb") as err:
        code = subprocess.call([sys.executable, options.script, *arguments], cwd=folder,
                               stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                               env={**os.environ, CONTEXT_ENV: str(folder / "context.json")})
    metrics = _metrics(folder / "metrics.jsonl")
    value = metrics.get(options.primary_metric)
    value = value[-1] if isinstance(value, list) else value
    return {"id": run_id, "parameters": parameters, "arguments": arguments,
            "status": "Completed" if code == 0 else "Failed", "exit_code": code,
            "metrics": metrics, "best_value": value if code == 0 else None,
            "folder": str(folder)}


def main(argv: list[str]) -> int:
    options, rest = _options(argv)
    context = json.loads(Path(os.environ[CONTEXT_ENV]).read_text()) \
        if os.environ.get(CONTEXT_ENV) else {}
    record = Path(context["metrics_file"]).parent if context.get("metrics_file") else Path.cwd()
    sets = json.loads(options.parameter_sets)
    with ThreadPoolExecutor(max(1, options.max_concurrent)) as pool:
        trials = list(pool.map(lambda i: _trial(i, sets[i], options, rest, record, context),
                               range(len(sets))))
    scored = [t for t in trials if isinstance(t["best_value"], (int, float))]
    best = (max if options.goal == "MAXIMIZE" else min)(
        scored, key=lambda t: t["best_value"]) if scored else None
    summary = {"primary_metric": options.primary_metric, "goal": options.goal,
               "trials": trials, "best": best["id"] if best else None}
    (record / "hyperdrive.json").write_text(json.dumps(summary, indent=1))
    for t in trials:
        print(f"trial {t['id']}: {t['status']} {options.primary_metric}={t['best_value']} "
              f"{t['parameters']}")
    if best is None:
        print(f"HyperDriveStep: no trial logged {options.primary_metric!r}; look at the trials' "
              f"stderr.txt in {record / 'trials'}", file=sys.stderr)
        return 1
    print(f"best: {best['id']} {options.primary_metric}={best['best_value']} "
          f"{best['parameters']}")
    if context.get("metrics_file"):
        with open(context["metrics_file"], "a") as f:
            for name, value in (("best_child_run_id", best["id"]),
                                (options.primary_metric, best["best_value"]),
                                ("best_hyperparameters", best["parameters"])):
                f.write(json.dumps({"name": name, "value": value}) + "\n")
    if options.metrics_output:
        os.makedirs(options.metrics_output, exist_ok=True)
        Path(options.metrics_output, "metrics.json").write_text(
            json.dumps({t["id"]: t["metrics"] for t in trials}, indent=1))
    if options.model_output:
        source = Path(best["folder"]) / options.model_file
        target = Path(options.model_output) / source.name
        os.makedirs(options.model_output, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, target)
        else:
            print(f"HyperDriveStep: the best trial has no {options.model_file}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
