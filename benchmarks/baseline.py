"""The baseline: a plain Python loop calling papermill.execute_notebook in topological order.

Run as `python -m benchmarks.baseline SHAPE.json NOTEBOOK_DIR WORK_DIR` in a
process of its own; prints JSON with the loop's wall time (papermill already
imported, so the figure is the loop alone) and the time of the imports.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def run(upstream: dict[str, list[str]], notebooks: Path, work: Path) -> float:
    import papermill

    start = time.perf_counter()
    for i, (step, ups) in enumerate(upstream.items()):
        out = work / "data" / step
        out.mkdir(parents=True, exist_ok=True)
        params = {f"out_{u}": str(work / "data" / u) for u in ups}
        params.update({f"out_{step}": str(out), "i": i})
        papermill.execute_notebook(str(notebooks / f"{step}.ipynb"),
                                   str(work / "executed" / f"{step}.ipynb"),
                                   parameters=params, kernel_name="python3",
                                   progress_bar=False, log_output=False,
                                   cwd=str(notebooks))
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    shape_file, notebooks, work = argv
    t0 = time.perf_counter()
    import papermill  # noqa: F401  (timed apart from the loop)

    imports = time.perf_counter() - t0
    (Path(work) / "executed").mkdir(parents=True, exist_ok=True)
    loop = run(json.loads(Path(shape_file).read_text()), Path(notebooks).absolute(),
               Path(work).absolute())
    print(json.dumps({"loop": loop, "imports": imports}))


if __name__ == "__main__":
    main(sys.argv[1:])
