"""`status`: what a run would do, without running. Timed in this process after a run, so
every step is a reuse candidate and its outputs are checked.

Targets: the seed pipeline in <= 0.2 s; a chain of 1,000 script steps in <= 1 s. The
baseline, measured in the same run, is reading each step's source file once (the least
any answer must do).

`python -m benchmarks --only status`.
"""
from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_TARGET_S = 0.2
CHAIN = 1000
CHAIN_TARGET_S = 1.0


def _chain_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "step.py").write_text(
        "import os, sys\nopen(os.path.join(sys.argv[2], 'x.txt'), 'w').write(sys.argv[1])\n")
    steps = []
    for i in range(CHAIN):
        args: list = [str(i), {"data": f"d{i}"}]
        step = {"type": "python_script", "name": f"s{i:04d}", "script_name": "step.py",
                "source_directory": ".", "outputs": [f"d{i}"], "arguments": args}
        if i:
            step["inputs"] = [{"data": f"d{i - 1}"}]
        steps.append(step)
    path = root / "chain.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "chain", "steps": steps}))
    return path


def _timed(fn, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> bool:
    from pipeline_widget import Pipeline, Workspace

    root = Path(tempfile.mkdtemp(prefix="bench-status-"))
    try:
        for folder in ("steps", "data", "examples"):
            shutil.copytree(REPO / folder, root / "seed" / folder)
        seed = Pipeline.load(root / "seed" / "examples" / "seed.pipeline.json",
                             workspace=Workspace(root / "seed"))
        assert seed.submit("bench", max_parallel=4).wait_for_completion(False) == "Finished"
        chain = Pipeline.load(_chain_project(root / "chain"), workspace=Workspace(root / "chain"))
        print(f"running the {CHAIN}-step chain once...", flush=True)
        assert chain.submit("bench", max_parallel=8).wait_for_completion(False) == "Finished"
        rows = []
        for label, pipeline, target in (("seed", seed, SEED_TARGET_S),
                                        (f"chain_{CHAIN}", chain, CHAIN_TARGET_S)):
            reused = sum(not s.would_run for s in pipeline.status())
            took = _timed(pipeline.status)
            base = _timed(lambda p=pipeline: [Path(s.source).read_bytes() for s in p.steps])
            rows.append((label, len(pipeline.steps), reused, took, base, target))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ok = True
    print("pipeline     steps  reused  status     read sources  ratio   target")
    for label, n, reused, took, base, target in rows:
        passed = took <= target and reused == n
        ok = ok and passed
        print(f"{label:<12} {n:5d}  {reused:6d}  {took:7.3f} s  {base:9.4f} s  {took / base:6.0f}x  "
              f"<= {target} s  {'PASS' if passed else 'FAIL'}")
    return ok


if __name__ == "__main__":
    import sys

    sys.exit(0 if main() else 1)
