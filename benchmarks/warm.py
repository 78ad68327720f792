"""Warm kernels (the designer's pool): results back without waiting for a kernel start.

In this process, against baselines measured in the same run:
- one changed notebook step re-run through the Python API with warm kernels, against one
  cold `papermill.execute_notebook` of the same notebook (target <= 0.3x);
- chain_10 with warm kernels (a pool of 10, `WarmKernels(size=10)`), against the plain
  papermill loop over the same notebooks (target <= 0.1x).

`python -m benchmarks --only warm`.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pipeline_widget.core.workspace import WORKSPACE_DIRNAME

from . import baseline, shapes

ONE_TARGET = 0.3
CHAIN_TARGET = 0.1
ROUNDS = 3


def _ready(warm, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(warm.ready()) < count:
        if time.monotonic() > deadline:
            pool = warm._pool
            errors = dict(pool._errors) if pool is not None else {}
            raise RuntimeError(f"the warm kernels did not start: {len(warm.ready())} of "
                               f"{count} ready; errors: {errors!r}")
        time.sleep(0.02)


def main() -> bool:
    import papermill

    from pipeline_widget import NotebookStep, Pipeline, PipelineData, Workspace
    from pipeline_widget.run import WarmKernels

    root = Path(tempfile.mkdtemp(prefix="bench-warm-"))
    try:
        # one step
        one = shapes.chain(1)
        notebooks = shapes.write_notebooks(one, root / "one")
        (step_name,) = one.order
        nb = notebooks[step_name]
        out = root / "one-out"
        out.mkdir()
        cold, warm_times = [], []
        warm = WarmKernels(size=2)
        ws = Workspace(root / "one")
        try:
            warm.want("python3")
            for r in range(ROUNDS):
                start = time.perf_counter()
                papermill.execute_notebook(str(nb), str(root / f"cold{r}.ipynb"),
                                           parameters={shapes.out_name(step_name): str(out),
                                                       "i": r},
                                           kernel_name="python3", progress_bar=False)
                cold.append(time.perf_counter() - start)
                _ready(warm, 2)
                step = NotebookStep(step_name, nb, parameters={"i": 100 + r},
                                    outputs=[PipelineData(shapes.out_name(step_name))])
                start = time.perf_counter()
                run = Pipeline(ws, [step], name="warm").submit("warm", kernels=warm)
                assert run.wait_for_completion(show_output=False) == "Finished"
                warm_times.append(time.perf_counter() - start)
        finally:
            warm.shutdown()

        # chain_10
        chain = shapes.chain(10)
        project = root / "chain"
        file = shapes.write_project(chain, project)
        loops, chained = [], []
        warm = WarmKernels(size=10)
        try:
            warm.want("python3")
            for r in range(ROUNDS):
                work = root / f"loop{r}"
                (work / "executed").mkdir(parents=True)
                loops.append(baseline.run(chain.upstream, project / "steps", work))
                _ready(warm, 10)
                shutil.rmtree(project / WORKSPACE_DIRNAME, ignore_errors=True)
                pipeline = Pipeline.load(file, workspace=Workspace(project))
                start = time.perf_counter()
                run = pipeline.submit("warm", kernels=warm)
                assert run.wait_for_completion(show_output=False) == "Finished"
                chained.append(time.perf_counter() - start)
        finally:
            warm.shutdown()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    one_ratio = statistics.median(w / c for w, c in zip(warm_times, cold))
    chain_ratio = statistics.median(w / c for w, c in zip(chained, loops))
    ok = one_ratio <= ONE_TARGET and chain_ratio <= CHAIN_TARGET
    print(f"one step, warm re-run   {statistics.median(warm_times):.3f} s  vs cold papermill "
          f"{statistics.median(cold):.3f} s  = {one_ratio:.2f}x  target <= {ONE_TARGET}x  "
          f"{'PASS' if one_ratio <= ONE_TARGET else 'FAIL'}")
    print(f"chain_10, warm kernels  {statistics.median(chained):.3f} s  vs papermill loop "
          f"{statistics.median(loops):.3f} s  = {chain_ratio:.2f}x  target <= {CHAIN_TARGET}x  "
          f"{'PASS' if chain_ratio <= CHAIN_TARGET else 'FAIL'}")
    return ok


if __name__ == "__main__":
    import sys

    sys.exit(0 if main() else 1)
