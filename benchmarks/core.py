"""The core suite: the local runner against a plain papermill loop, in the same run.

For each shape: the baseline loop (benchmarks.baseline, papermill imported
before the clock starts), a cold `pipeline-widget run` (fresh workspace, the
process start and its imports included) and an unchanged re-run through the
CLI, each with the peak RSS of the CLI process (kernels are other processes).
Then the 100-step chain's re-run, the per-step overhead (benchmarks.overhead)
and validate + save + load of a 1,000-step pipeline (benchmarks.fileformat).
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import measure, shapes

WORKSPACE_DIRNAME = ".pipeline_widget"


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


def run(log: Callable[[str], None] = _log, keep: bool = False) -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="pw-bench-"))
    figures: list[Figure] = []
    peaks: list[float] = []
    try:
        reruns: dict[str, float] = {}
        for shape, cold_target, rerun_target in [(shapes.chain(10), 0.6, 0.1),
                                                 (shapes.fan_out(8), 0.6, None),
                                                 (shapes.diamond(), None, None)]:
            project = Project(shape, root)
            log(f"{shape.name}: baseline papermill loop ...")
            base = project.baseline()
            log(f"{shape.name}: cold pipeline-widget run ...")
            cold = project.cold()
            log(f"{shape.name}: unchanged re-run ...")
            again = project.run_cli()
            if "0 ran" not in again.stdout:
                raise RuntimeError(f"the unchanged re-run of {shape.name} ran steps:\n{again.stdout}")
            reruns[shape.name] = again.seconds
            peaks += [p for p in (cold.peak_rss_mb, again.peak_rss_mb) if p]
            loop = base["loop"]
            figures += [
                Figure(f"{shape.name}: baseline papermill loop", loop, "s",
                       note=f"{len(shape)} steps; whole process {base['process']:.2f} s"),
                Figure(f"{shape.name}: cold run / baseline", cold.seconds / loop, "x", cold_target,
                       note=f"cold {cold.seconds:.2f} s, one process start included"),
                Figure(f"{shape.name}: unchanged re-run / baseline", again.seconds / loop, "x",
                       rerun_target, note=f"re-run {again.seconds:.3f} s"),
                Figure(f"{shape.name}: runner peak RSS (cold)", cold.peak_rss_mb or 0.0, "MB",
                       None, note="the CLI process alone, kernels not counted"),
            ]

        chain100 = Project(shapes.chain(100), root)
        log("chain_100: cold run (to fill the cache) ...")
        cold100 = chain100.cold()
        log("chain_100: unchanged re-run ...")
        again100 = chain100.run_cli()
        if "0 ran" not in again100.stdout:
            raise RuntimeError(f"the unchanged re-run of chain_100 ran steps:\n{again100.stdout}")
        peaks += [p for p in (cold100.peak_rss_mb, again100.peak_rss_mb) if p]
        figures += [
            Figure("chain_100: cold run", cold100.seconds, "s", note="no baseline (not a target)"),
            Figure("chain_100 re-run / chain_10 re-run", again100.seconds / reruns["chain_10"],
                   "x", 2.0, note=f"{again100.seconds:.3f} s vs {reruns['chain_10']:.3f} s"),
            Figure("runner peak RSS, all runs above", max(peaks), "MB", 200.0,
                   note="VmHWM of the CLI process; kernels are other processes"),
        ]

        log("per-step overhead beyond papermill (chain_10, max_parallel=1) ...")
        chain10 = root / "chain_10"
        oh = measure.python_json("benchmarks.overhead", str(chain10 / "chain_10.pipeline.json"),
                                 cwd=chain10)
        figures.append(Figure("runner overhead per step beyond papermill",
                              oh["overhead_per_step"] * 1000, "ms", 50.0,
                              note=f"(wall {oh['wall']:.2f} - papermill {oh['papermill']:.2f} - "
                                   f"kernel wait {oh['kernel_wait']:.2f}) s / {oh['steps']}"))

        log("1,000-step pipeline: validate + save + load ...")
        ff_dir = root / "dag_1000"
        ff = measure.python_json("benchmarks.fileformat", "1000", str(ff_dir), cwd=root)
        figures.append(Figure("1,000-step pipeline: validate + save + load", ff["total"], "s",
                              0.5, note=f"validate {ff['validate']:.3f}, save {ff['save']:.3f}, "
                                        f"load {ff['load']:.3f}"))
    finally:
        if keep:
            log(f"kept the generated projects in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return figures


def main(keep: bool = False) -> bool:
    """Run the core suite, print its table; True when every target is met."""
    figures = run(keep=keep)
    print()
    print(table(figures))
    failed = [f for f in figures if f.verdict == "FAIL"]
    print(f"\n{len(figures) - len(failed)} figures within target" if not failed else
          f"\n{len(failed)} figure(s) FAIL: {', '.join(f.name for f in failed)}")
    return not failed
