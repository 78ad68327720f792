"""validate + save + load of a big generated pipeline, timed in a fresh process.

Run as `python -m benchmarks.fileformat N FOLDER`: writes N notebooks into
FOLDER, builds the pipeline (not timed), then times the model's validation, save() and
load() once each, the first use of the schema included; then, apart, the full validate()
that run and `validate` share, which also reads every notebook's parameters cell
(papermill, imported there) and lists the installed kernels.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import shapes


def main(argv: list[str]) -> None:
    n, folder = int(argv[0]), Path(argv[1]).absolute()
    from pipeline_widget import Pipeline, Workspace

    shape = shapes.wide_dag(n)
    ws = Workspace(folder)
    pipeline = shapes.build_pipeline(shape, shapes.write_notebooks(shape, folder / "steps"), ws)
    t0 = time.perf_counter()
    problems = pipeline.model_problems()
    t1 = time.perf_counter()
    path = pipeline.save(folder / f"{shape.name}.pipeline.json")
    t2 = time.perf_counter()
    loaded = Pipeline.load(path, workspace=ws)
    t3 = time.perf_counter()
    full = loaded.validate()
    t4 = time.perf_counter()
    if problems or full or len(loaded.steps) != n:
        raise SystemExit(f"unexpected: {[*problems, *full][:3]}, {len(loaded.steps)} steps loaded")
    print(json.dumps({"steps": n, "validate": t1 - t0, "save": t2 - t1, "load": t3 - t2,
                      "total": t3 - t0, "full_validate": t4 - t3}))


if __name__ == "__main__":
    main(sys.argv[1:])
