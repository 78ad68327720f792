"""The commands of the command line, each a thin view over core/ and run/."""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from ..core.errors import PipelineError
from ..core.names import experiment_name_for
from ..core.parameter_types import from_text
from ..core.workspace import Workspace
from ..run.records.model import StepError
from ..run.status import Status
from .exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_READER_GONE

if TYPE_CHECKING:
    from ..run.sweep import Sweep

SUMMARY_OUTPUTS_MAX = 20  # a run summary lists output folders for pipelines up to this size
NOT_CREATED = "not created (the step did not run)"


def parse_params(texts: list[str], current: dict[str, Any]) -> dict[str, Any]:
    """--param NAME=VALUE options, each read as the type of the parameter's `current` value
    allows (core.parameter_types.from_text)."""
    values = {}
    for text in texts:
        name, sep, raw = text.partition("=")
        if not sep or not name.strip():
            raise PipelineError(f"--param {text!r} is not name=value; e.g. --param alpha=0.5")
        values[name.strip()] = from_text(raw, current.get(name.strip()))
    return values


def _fmt_time(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def _fmt_duration(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}s"


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def _wait(run, out) -> int:
    """Wait for a live run; Ctrl-C or SIGTERM cancel it cleanly first, and so does the
    output's reader going away (`| head`): nobody is left to see how it ends."""
    from ..run.progress import ProgressDisplay

    interrupted = []

    def on_signal(signum, frame) -> None:
        interrupted.append(signum)
        print("\ninterrupted: stopping running steps...", file=sys.stderr)
        run.cancel()

    def on_reader_gone() -> None:
        # told in the runner's thread, which holds the record's lock while views are told:
        # the cancel (whose hooks may record steps) goes from a thread of its own
        out.reader_gone()
        threading.Thread(target=run.cancel, name=f"cancel-{run.id}", daemon=True).start()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        unsubscribe = run.subscribe(ProgressDisplay(len(run.record.steps), out.raw,
                                                    on_closed=on_reader_gone))
        while run.is_live:
            run.wait_for_completion(show_output=False, timeout_seconds=0.2)
        unsubscribe()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    status = run.get_status()
    steps = run.get_steps()
    if run.record.unsaved:
        print(f"error: {run.record.unsaved}; `pipeline-widget resume {run.id}` goes on from "
              f"what the record on disk says", file=sys.stderr)
    reused = [s.name for s in steps if s.is_reused]
    ran = [s for s in steps if not s.is_reused and s.start_time is not None]
    took = run.record.duration or 0.0
    print(f"run {run.id}: {status} in {took:.1f}s ({len(ran)} ran, {len(reused)} reused)", file=out)
    if reused:
        print(f"reused: {', '.join(reused)}", file=out)
    for s in ran:
        if s.why_not_reused and s.status != Status.SKIPPED:
            print(f"ran {s.name!r}: {'; '.join(s.why_not_reused)}", file=out)
    for s in steps:
        for note in s.notes:
            print(f"note: {s.name!r}: {note}", file=out)
    for s in steps:
        if s.status == Status.FAILED and s.error:
            _print_failure(s, out, tail_lines=8)
    if len(steps) <= SUMMARY_OUTPUTS_MAX:
        for s in steps:
            if s.status == Status.FINISHED:
                for name, folder in s.outputs.items():
                    print(f"output {name} ({s.name}): {folder}", file=out)
    print(f"details: pipeline-widget show {run.id}", file=out)
    if interrupted:
        return EXIT_INTERRUPTED
    if out.closed_by_reader:
        return EXIT_READER_GONE
    return EXIT_OK if status == Status.FINISHED else EXIT_FAILED


def cmd_run(args, ws: Workspace, out) -> int:
    from ..interop import open_pipeline

    notes: list[str] = []
    pipeline = open_pipeline(args.file, ws, notes)   # an Elyra or Ploomber file too
    for note in notes:
        print(f"note: {note}", file=out)
    current = pipeline.resolve_parameters(None)
    params = parse_params(args.param, current)
    experiment = args.experiment or experiment_name_for(pipeline.name)
    sweep = parse_sweep(args.sweep, current)
    if sweep.count > args.max_runs:
        raise PipelineError(f"--sweep makes {sweep.count} runs (the product of the numbers of "
                            f"values), more than the cap of {args.max_runs}; sweep fewer values, "
                            f"or raise the cap with --max-runs {sweep.count}")
    sweep.check(pipeline, params)
    if args.join and sweep.count > 1:
        raise PipelineError("--join runs steps of one run; it cannot be combined with --sweep")
    codes = []
    for i, values in enumerate(sweep, 1):
        if sweep.count > 1:
            print(f"\nsweep {i}/{sweep.count}: " +
                  ", ".join(f"{k}={v!r}" for k, v in values.items()), file=out)
        if out.closed_by_reader:
            return EXIT_READER_GONE
        run = pipeline.submit(experiment, pipeline_parameters={**params, **values},
                              regenerate_outputs=args.no_reuse,
                              continue_on_step_failure=args.continue_on_failure,
                              max_parallel=args.max_parallel, executor=args.executor,
                              only=args.only, from_steps=args.from_steps,
                              to_steps=args.to_steps, retries=args.retries,
                              join=args.join, attempt_once=args.once)
        codes.append(_wait(run, out))
        if codes[-1] in (EXIT_INTERRUPTED, EXIT_READER_GONE):
            return codes[-1]
    return max(codes)


def parse_sweep(texts: list[str], current: dict[str, Any]) -> Sweep:
    """--sweep NAME=V1,V2,... options, one per parameter; each value read as the type of the
    parameter's `current` value allows (core.parameter_types.from_text)."""
    from ..run.sweep import Sweep

    axes: dict[str, list[Any]] = {}
    given: dict[str, str] = {}
    for text in texts:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep or not name or not raw.strip():
            raise PipelineError(f"--sweep {text!r} is not name=value,value,...; e.g. "
                                f"--sweep alpha=0.1,0.5,0.9")
        if name in axes:
            raise PipelineError(f"--sweep names parameter {name!r} twice; give all its values in "
                                f"one --sweep, e.g. --sweep {name}={given[name]},{raw.strip()}")
        given[name] = raw.strip()
        axes[name] = [from_text(v.strip(), current.get(name)) for v in raw.split(",")]
    return Sweep(axes)


def cmd_validate(args, ws: Workspace, out) -> int:
    from ..interop import open_pipeline

    problems = open_pipeline(args.file, ws).validate()   # an Elyra or Ploomber file too
    bad = [p for p in problems if not p.warning]
    if bad:
        raise PipelineError(f"{args.file}: {len(bad)} problem(s):\n" +
                            "\n".join(f"  - {p}" for p in problems))
    warnings = f" with {len(problems)} warning(s):" if problems else ""
    print(f"{args.file}: valid{warnings}", file=out)
    for p in problems:
        print(f"  - {p}", file=out)
    return EXIT_OK


def _runs_with_metrics(ws: Workspace, out) -> int:
    from ..run.compare import columns, shown, summaries

    runs = summaries(ws, include_damaged=True)
    if not runs:
        print(f"no runs yet in {ws.root}", file=out)
        return EXIT_OK
    params, metrics = columns(runs)
    rows = [[r.run_id, r.status, *(shown(r.parameters[p]) if p in r.parameters else "-"
                                   for p in params),
             *(shown(r.metrics[m]) if m in r.metrics else "-" for m in metrics)] for r in runs]
    print(_table(rows, ["RUN ID", "STATUS", *params, *metrics]), file=out)
    _print_damaged([r.damaged for r in runs], out)
    return EXIT_OK


def _print_damaged(reasons: list[str | None], out) -> None:
    """Below a table of runs: why each DAMAGED one cannot be read, and what to do."""
    for reason in reasons:
        if reason:
            print(f"damaged: {reason}", file=out)


def cmd_runs(args, ws: Workspace, out) -> int:
    from ..run.compare import DAMAGED
    from ..run.records import list_runs

    if args.metrics:
        return _runs_with_metrics(ws, out)
    records = list_runs(ws, include_damaged=True)
    if not records:
        print(f"no runs yet in {ws.root}", file=out)
        return EXIT_OK
    rows = []
    for r in records:
        steps = r.steps.values()
        if r.damaged:
            rows.append([r.run_id, "?", DAMAGED, _fmt_time(r.start_time), "-", "-", "-"])
            continue
        rows.append([r.run_id, r.pipeline_name, r.status.value, _fmt_time(r.start_time),
                     _fmt_duration(r.duration if r.end_time else None),
                     f"{sum(s.status == Status.FINISHED for s in steps)}/{len(steps)}",
                     str(sum(s.is_reused for s in steps))])
    print(_table(rows, ["RUN ID", "PIPELINE", "STATUS", "STARTED", "TOOK", "DONE", "REUSED"]),
          file=out)
    _print_damaged([r.damaged for r in records], out)
    return EXIT_OK


def cmd_show(args, ws: Workspace, out) -> int:
    from ..run.pipeline_run import PipelineRun

    run = PipelineRun.get(ws, args.run_id)
    record = run.record
    print(f"run {run.id}  pipeline {record.pipeline_name}  status {record.status}", file=out)
    print(f"started {_fmt_time(record.start_time)}  parameters {json.dumps(record.parameters)}",
          file=out)
    rows = [[s.name, f"{s.display_status} ({s.progress})" if s.progress else s.display_status,
             _fmt_duration(s.duration)] for s in run.get_steps()]
    print(_table(rows, ["STEP", "STATUS", "TOOK"]), file=out)
    for s in run.get_steps():
        print(f"\n{s.name} [{s.display_status}]", file=out)
        if s.is_reused:
            print(f"  reused from run {s.reused_from}", file=out)
        elif s.why_not_reused and s.start_time:
            print(f"  not reused: {'; '.join(s.why_not_reused)}", file=out)
        for name, folder in s.outputs.items():
            print(f"  output {name}: {folder if s.outputs_made else NOT_CREATED}", file=out)
        if s.notebook:
            print(f"  notebook: {s.notebook}", file=out)
        if s.stdout:
            print(f"  stdout: {s.stdout}\n  stderr: {s.stderr}", file=out)
        for name, value in s.get_metrics().items():
            print(f"  metric {name} = {value}", file=out)
        for attempt in s.attempts:
            error = StepError.from_dict(attempt.get("error"))
            print(f"  attempt {attempt.get('attempt')} failed: "
                  f"{error.headline() if error else 'failed'}", file=out)
        if s.reason:
            print(f"  {s.reason}", file=out)
        if s.error:
            _print_error(s.error, out)
    return EXIT_OK


def _print_error(error: StepError, out, tail_lines: int | None = None) -> None:
    print("  " + "\n  ".join(error.render(tail_lines)), file=out)


def _print_failure(step, out, tail_lines: int) -> None:
    """Why a step failed and where to look, right after the run."""
    print(f"\nfailed {step.name!r}:", file=out)
    _print_error(step.error, out, tail_lines)
    for label, path in (("notebook", step.notebook), ("stderr", step.stderr)):
        if path:
            print(f"  {label}: {path}", file=out)


def cmd_resume(args, ws: Workspace, out) -> int:
    from ..run import resume

    run = resume(ws, args.run_id, executor=args.executor, max_parallel=args.max_parallel)
    kept = run.record.resumed[-1]["kept"] if run.record.resumed else []
    print(f"resuming {run.id}: kept {', '.join(kept) or 'no step'}", file=out)
    return _wait(run, out)


def cmd_rerun(args, ws: Workspace, out) -> int:
    from ..run import rerun
    from ..run.pipeline_run import PipelineRun

    earlier = PipelineRun.get(ws, args.run_id).parameters if args.param else {}
    run = rerun(ws, args.run_id, parse_params(args.param, earlier),
                regenerate_outputs=args.no_reuse, max_parallel=args.max_parallel,
                executor=args.executor, retries=args.retries)
    return _wait(run, out)




def cmd_status(args, ws: Workspace, out) -> int:
    from ..interop import open_pipeline

    pipeline = open_pipeline(args.file, ws)   # an Elyra or Ploomber file too
    params = parse_params(args.param, pipeline.resolve_parameters(None))
    steps = pipeline.status(params, only=args.only, from_steps=args.from_steps,
                            to_steps=args.to_steps)
    if args.json:
        print(json.dumps([s.to_dict() for s in steps], indent=2), file=out)
        return EXIT_OK
    width = max(len(s.name) for s in steps)
    for s in steps:
        if not s.selected:
            print(f"-      {s.name:<{width}}  {'; '.join(s.reasons)}", file=out)
        elif s.would_run:
            print(f"run    {s.name:<{width}}  {'; '.join(s.reasons)}", file=out)
        else:
            print(f"reuse  {s.name:<{width}}  from run {s.reused_from}", file=out)
    ran = sum(s.would_run for s in steps)
    reused = sum(s.selected and not s.would_run for s in steps)
    left = len(steps) - ran - reused
    print(f"{ran} would run, {reused} would be reused" + (f", {left} not selected" if left else ""),
          file=out)
    return EXIT_OK
