"""The baseline: a plain Python loop calling papermill.execute_notebook in topological order.

Run as `python -m benchmarks.baseline SHAPE.json NOTEBOOK_DIR WORK_DIR` in a
process of its own; prints JSON with the loop's wall time (papermill already
imported, so the figure is the loop alone), the time of the imports, and how many kernels
did not exit on their shutdown request, with the seconds their notebooks took beyond
a usual one (jupyter_client waits for such a kernel, then sends SIGTERM).
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def run(upstream: dict[str, list[str]], notebooks: Path, work: Path,
        notebook_seconds: list[float] | None = None) -> float:
    """The loop's seconds; each notebook's go to `notebook_seconds` when given."""
    import papermill

    start = time.perf_counter()
    for i, (step, ups) in enumerate(upstream.items()):
        begun = time.perf_counter()
        out = work / "data" / step
        out.mkdir(parents=True, exist_ok=True)
        params = {f"out_{u}": str(work / "data" / u) for u in ups}
        params.update({f"out_{step}": str(out), "i": i})
        papermill.execute_notebook(str(notebooks / f"{step}.ipynb"),
                                   str(work / "executed" / f"{step}.ipynb"),
                                   parameters=params, kernel_name="python3",
                                   progress_bar=False, log_output=False,
                                   cwd=str(notebooks))
        if notebook_seconds is not None:
            notebook_seconds.append(time.perf_counter() - begun)
    return time.perf_counter() - start


def _note_late_shutdowns(late: list[int]) -> None:
    """Count the kernels that do not exit on their shutdown request: jupyter_client waits
    half its shutdown_wait_time for each, then sends SIGTERM. Only counted: the loop runs
    as it would unobserved."""
    from jupyter_client.manager import AsyncKernelManager, _ShutdownStatus

    real = AsyncKernelManager.shutdown_kernel   # nbclient's kernels are asynchronous
    signalled = (_ShutdownStatus.SigtermRequest, _ShutdownStatus.SigkillRequest)

    async def shutdown_kernel(self, *args, **kwargs):
        try:
            return await real(self, *args, **kwargs)
        finally:
            late.append(int(self._shutdown_status in signalled))

    AsyncKernelManager.shutdown_kernel = shutdown_kernel  # type: ignore[method-assign]


def late_shutdown_seconds(seconds: list[float], late: list[int]) -> float:
    """What the notebooks whose kernel did not exit on request cost beyond a usual one."""
    usual = statistics.median([s for s, lag in zip(seconds, late) if not lag] or [0.0])
    return sum(s - usual for s, lag in zip(seconds, late) if lag)


def main(argv: list[str]) -> None:
    shape_file, notebooks, work = argv
    t0 = time.perf_counter()
    import papermill  # noqa: F401  (timed apart from the loop)

    imports = time.perf_counter() - t0
    late: list[int] = []
    _note_late_shutdowns(late)
    (Path(work) / "executed").mkdir(parents=True, exist_ok=True)
    seconds: list[float] = []
    loop = run(json.loads(Path(shape_file).read_text()), Path(notebooks).absolute(),
               Path(work).absolute(), seconds)
    print(json.dumps({"loop": loop, "imports": imports, "late_shutdowns": sum(late),
                      "late_shutdown_seconds": late_shutdown_seconds(seconds, late)}))


if __name__ == "__main__":
    main(sys.argv[1:])
