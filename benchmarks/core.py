"""The core suite: the local runner against a plain papermill loop, in the same run.

For each shape: the baseline loop (benchmarks.baseline, papermill imported
before the clock starts), a cold `pipeline-widget run` (fresh workspace, the
process start and its imports included) and an unchanged re-run through the
CLI, each with the peak RSS of the CLI process (kernels are other processes).
Then the 100-step chain's re-run, the per-step overhead (benchmarks.overhead)
and validate + save + load of a 1,000-step pipeline (benchmarks.fileformat).
Each round measures a shape's baseline and its runs back to back, and ratios
are taken within a round, so load from other work on the machine affects both
sides alike; the table shows the median over the rounds.
"""
from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline_widget.core.workspace import WORKSPACE_DIRNAME

from . import measure, shapes


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None   # value must be <= target
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.value <= self.target else "FAIL"


def _fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.3f} x"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.1f} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [["figure", "value", "target", "result", "note"]]
    for f in figures:
        rows.append([f.name, _fmt(f.value, f.unit),
                     f"<= {_fmt(f.target, f.unit)}" if f.target is not None else "", f.verdict,
                     f.note])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Project:
    """A generated shape in a folder of its own: notebooks, pipeline file, workspace."""

    def __init__(self, shape: shapes.Shape, root: Path) -> None:
        self.shape = shape
        self.folder = root / shape.name
        self.file = shapes.write_project(shape, self.folder)
        self.shape_file = self.folder / "shape.json"
        self.shape_file.write_text(json.dumps(shape.upstream))

    def baseline(self) -> dict:
        work = self.folder / "baseline"
        shutil.rmtree(work, ignore_errors=True)
        start = time.perf_counter()
        result = measure.python_json("benchmarks.baseline", str(self.shape_file),
                                     str(self.folder / "steps"), str(work), cwd=self.folder)
        result["process"] = time.perf_counter() - start
        return result

    def run_cli(self, *extra: str) -> measure.Measured:
        m = measure.run([*measure.cli(), "--workspace", str(self.folder), "run", str(self.file),
                         *extra], cwd=self.folder)
        if m.returncode != 0:
            raise RuntimeError(f"pipeline-widget run failed ({m.returncode}) on {self.file}:\n"
                               f"{m.stdout[-2000:]}\n{m.stderr[-2000:]}")
        return m

    def cold(self) -> measure.Measured:
        shutil.rmtree(self.folder / WORKSPACE_DIRNAME, ignore_errors=True)
        return self.run_cli()


def _log(text: str) -> None:
    print(text, flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _spread(values: list[float], unit: str = "s") -> str:
    return f"median of {len(values)}: " + ", ".join(f"{v:.2f}" for v in values) + f" {unit}"


def run(log: Callable[[str], None] = _log, keep: bool = False, repeat: int = 3) -> list[Figure]:
    """Each measurement `repeat` times, interleaved with its baseline so that a machine
    shared with other work slows both alike; ratios are taken per round, then the median."""
    root = Path(tempfile.mkdtemp(prefix="pw-bench-"))
    figures: list[Figure] = []
    peaks: list[float] = []
    try:
        plan = [(shapes.chain(10), 0.6, 0.1), (shapes.fan_out(8), 0.6, None),
                (shapes.diamond(), None, None)]
        projects = {shape.name: Project(shape, root) for shape, _, _ in plan}
        chain100 = Project(shapes.chain(100), root)
        rounds: dict[str, dict[str, list[float]]] = {
            name: {"loop": [], "process": [], "cold": [], "again": [], "cold_x": [], "again_x": [],
                   "rss": []} for name in projects}
        rerun_pairs: list[tuple[float, float]] = []
        log("chain_100: cold run (to fill the cache) ...")
        cold100 = chain100.cold()
        peaks += [cold100.peak_rss_mb or 0.0]
        for r in range(repeat):
            for shape, _, _ in plan:
                project, got = projects[shape.name], rounds[shape.name]
                log(f"round {r + 1}/{repeat}, {shape.name}: baseline, cold run, re-run ...")
                base = project.baseline()
                cold = project.cold()
                again = project.run_cli()
                if "0 ran" not in again.stdout:
                    raise RuntimeError(f"the unchanged re-run of {shape.name} ran steps:\n"
                                       f"{again.stdout}")
                got["loop"].append(base["loop"])
                got["process"].append(base["process"])
                got["cold"].append(cold.seconds)
                got["again"].append(again.seconds)
                got["cold_x"].append(cold.seconds / base["loop"])
                got["again_x"].append(again.seconds / base["loop"])
                got["rss"].append(cold.peak_rss_mb or 0.0)
                peaks += [p for p in (cold.peak_rss_mb, again.peak_rss_mb) if p]
            log(f"round {r + 1}/{repeat}: chain_10 and chain_100 unchanged re-runs ...")
            short, long_ = projects["chain_10"].run_cli(), chain100.run_cli()
            if "0 ran" not in long_.stdout:
                raise RuntimeError(f"the unchanged re-run of chain_100 ran steps:\n{long_.stdout}")
            rerun_pairs.append((short.seconds, long_.seconds))
            peaks += [p for p in (short.peak_rss_mb, long_.peak_rss_mb) if p]

        for shape, cold_target, rerun_target in plan:
            got = rounds[shape.name]
            figures += [
                Figure(f"{shape.name}: baseline papermill loop", _median(got["loop"]), "s",
                       note=f"{len(shape)} steps; {_spread(got['loop'])}; whole process "
                            f"{_median(got['process']):.2f} s"),
                Figure(f"{shape.name}: cold run / baseline", _median(got["cold_x"]), "x",
                       cold_target, note=f"cold runs {_spread(got['cold'])}, process start "
                                         f"included"),
                Figure(f"{shape.name}: unchanged re-run / baseline", _median(got["again_x"]), "x",
                       rerun_target, note=f"re-runs {_spread(got['again'])}"),
                Figure(f"{shape.name}: runner peak RSS (cold)", max(got["rss"]), "MB",
                       note="the CLI process alone, kernels not counted"),
            ]
        ratios = [long_ / short for short, long_ in rerun_pairs]
        figures += [
            Figure("chain_100: cold run", cold100.seconds, "s", note="no baseline (not a target)"),
            Figure("chain_100 re-run / chain_10 re-run", _median(ratios), "x", 2.0,
                   note=f"chain_100 {_spread([p[1] for p in rerun_pairs])}, chain_10 "
                        f"{_spread([p[0] for p in rerun_pairs])}"),
            Figure("runner peak RSS, all runs above", max(peaks), "MB", 200.0,
                   note="VmHWM of the CLI process; kernels are other processes"),
        ]

        log("per-step overhead beyond papermill (chain_10, max_parallel=1) ...")
        chain10 = projects["chain_10"].folder
        oh = measure.python_json("benchmarks.overhead", str(chain10 / "chain_10.pipeline.json"),
                                 str(max(repeat, 5)), cwd=chain10)
        figures.append(Figure("runner overhead per step beyond papermill",
                              oh["overhead_per_step"] * 1000, "ms", 50.0,
                              note=f"(wall - papermill - kernel wait) / {oh['steps']} steps; "
                                   f"{_spread([x * 1000 for x in oh['rounds']], 'ms')}"))

        log("1,000-step pipeline: validate + save + load ...")
        ff = measure.python_json("benchmarks.fileformat", "1000", str(root / "dag_1000"), cwd=root)
        figures.append(Figure("1,000-step pipeline: validate + save + load", ff["total"], "s",
                              0.5, note=f"validate (the model) {ff['validate']:.3f}, save "
                                        f"{ff['save']:.3f}, load {ff['load']:.3f}"))
        figures.append(Figure("1,000-step pipeline: validate as run checks it",
                              ff["full_validate"], "s", 2.0,
                              note="the model, 1,000 parameters cells (papermill imported "
                                   "here), the installed kernels"))
    finally:
        if keep:
            log(f"kept the generated projects in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return figures


def main(keep: bool = False, repeat: int = 3) -> bool:
    """Run the core suite, print its table; True when every target is met."""
    figures = run(keep=keep, repeat=repeat)
    print()
    print(table(figures))
    failed = [f for f in figures if f.verdict == "FAIL"]
    print(f"\n{len(figures) - len(failed)} figures within target" if not failed else
          f"\n{len(failed)} figure(s) FAIL: {', '.join(f.name for f in failed)}")
    return not failed
