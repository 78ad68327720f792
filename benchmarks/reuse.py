"""Reuse checks: digesting data once and then by stat only, and the cost of import analysis.

Figures are ratios within one run: the stat-only check of 1,000 files against their first
digest, and the import analysis of a step against reading its source once.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

FILES = 1000
CHECK_TARGET_S = 0.2       # the stat-only check of 1,000 unchanged files
IMPORTS_TARGET_MS = 50.0   # import analysis per step, a chain of 5 local modules


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> bool:
    from pipeline_widget.run.reuse.digests import DigestMemo
    from pipeline_widget.run.reuse.imports import _imports, local_modules

    root = Path(tempfile.mkdtemp(prefix="bench-reuse-"))
    try:
        data = root / "data"
        data.mkdir()
        for i in range(FILES):
            (data / f"f{i:04d}.csv").write_text(f"a,b\n{i},{i * 2}\n" * 50)
        memo = DigestMemo(root / "digests.json", root)
        first = _seconds(lambda: memo.tree(data))
        checks = [_seconds(lambda: memo.tree(data)) for _ in range(5)]
        check = statistics.median(checks)

        steps = root / "steps"
        steps.mkdir()
        for i in range(5):
            nxt = f"import m{i + 1}\n" if i < 4 else ""
            (steps / f"m{i}.py").write_text(nxt + "import os, json\nVALUE = 1\n" * 20)
        source = "import m0\nimport pandas\nfrom pathlib import Path\n"
        runs = []
        for _ in range(20):
            _imports.cache_clear()
            runs.append(_seconds(lambda: local_modules([source], steps, root)))
        per_step_ms = statistics.median(runs) * 1000
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ok_check = check <= CHECK_TARGET_S
    ok_imports = per_step_ms <= IMPORTS_TARGET_MS
    print(f"{FILES} data files, first digest          {first:.3f} s")
    print(f"{FILES} data files, stat-only check       {check:.3f} s  "
          f"({check / first:.3f}x the first)  target <= {CHECK_TARGET_S} s  "
          f"{'PASS' if ok_check else 'FAIL'}")
    print(f"import analysis per step (5 modules)  {per_step_ms:.1f} ms  "
          f"target <= {IMPORTS_TARGET_MS} ms  {'PASS' if ok_imports else 'FAIL'}")
    return ok_check and ok_imports
