"""The runner's own cost per step, beyond papermill.

Run as `python -m benchmarks.overhead PIPELINE_FILE [REPEAT]` in a process of
its own. It runs the pipeline through the Python API with max_parallel=1 (so
nothing overlaps and times add up) and every step forced to run, 1 + REPEAT
times; the first run warms up, the median of the others is reported. The
overhead is

    (wall time of submit() .. wait_for_completion()
     - time inside papermill.execute_notebook      (what the baseline pays per step,
                                                    minus its kernel start)
     - time steps waited for a kernel to boot)     (what the baseline pays inside
                                                    papermill to start a kernel)
    / number of steps

so it holds what the runner adds: planning and fingerprints, run records and
cache entries, events, thread hand-offs, moving the kernel to the step's folder
and environment, and stopping kernels at the end.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    pipeline_file = Path(argv[0]).absolute()
    repeat = int(argv[1]) if len(argv) > 1 else 1
    import papermill

    from pipeline_widget import Workspace
    from pipeline_widget.run import Pipeline
    from pipeline_widget.run.step import kernels

    spent = {"papermill": 0.0, "kernel_wait": 0.0}

    def timed(fn, key):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return wrapper

    papermill.execute_notebook = timed(papermill.execute_notebook, "papermill")
    kernels.KernelPool.acquire = timed(kernels.KernelPool.acquire, "kernel_wait")
    ws = Workspace(pipeline_file.parent)
    pipeline = Pipeline.load(pipeline_file, workspace=ws)
    n = len(pipeline.steps)
    rounds = []
    for attempt in range(1 + repeat):  # the first run warms up (imports, caches)
        spent.update(papermill=0.0, kernel_wait=0.0)
        start = time.perf_counter()
        run = pipeline.submit("overhead", regenerate_outputs=True, max_parallel=1)
        status = run.wait_for_completion(show_output=False)
        wall = time.perf_counter() - start
        if status != "Finished":
            raise SystemExit(f"the run ended {status}")
        if attempt:
            rounds.append((wall - spent["papermill"] - spent["kernel_wait"]) / n)
    print(json.dumps({"steps": n, "rounds": rounds, "overhead_per_step": statistics.median(rounds)}))


if __name__ == "__main__":
    main(sys.argv[1:])
