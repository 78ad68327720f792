"""Runaway steps: a notebook that prints without end, with a timeout.

The runner's peak RSS (its own process; the kernel is separate) must stay bounded, and
the step must end soon after its timeout. The baseline, measured in the same run, is the
same pipeline whose step sleeps instead of printing: the flood may cost little more.

`python -m benchmarks --only limits`.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from pipeline_widget.core.workspace import WORKSPACE_DIRNAME

from .measure import run

TIMEOUT = 5
RSS_TARGET_MB = 300.0
LATE_TARGET_S = 2.0   # from the timeout to the step's end
FLOOD = "print('start')\nwhile True:\n    print('x' * 80)"
SLEEP = "print('start')\nimport time\ntime.sleep(3600)"


def _project(root: Path, body: str) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    root.mkdir(parents=True)
    nb = new_notebook(cells=[new_code_cell("n = 0", metadata={"tags": ["parameters"]}),
                             new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(root / "step.ipynb"))
    (root / "p.pipeline.json").write_text(json.dumps({"schema_version": 1, "name": "limits", "steps": [
        {"type": "notebook", "name": "step", "notebook": "step.ipynb", "timeout": TIMEOUT}]}))
    return root


def _late(project: Path) -> float:
    (record,) = project.glob(f"{WORKSPACE_DIRNAME}/runs/*/run.json")
    step = json.loads(record.read_text())["steps"]["step"]
    return step["end_time"] - step["start_time"] - TIMEOUT


def main() -> bool:
    root = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    try:
        rows = {}
        for label, body in (("sleeps", SLEEP), ("prints without end", FLOOD)):
            project = _project(root / label.replace(" ", "_"), body)
            measured = run([sys.executable, "-m", "pipeline_widget", "run", "p.pipeline.json"],
                           project)
            executed = next(project.glob(f"{WORKSPACE_DIRNAME}/runs/*/steps/*/executed.ipynb"))
            rows[label] = (measured.peak_rss_mb or 0.0, _late(project),
                           executed.stat().st_size / 1e6)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base_rss = rows["sleeps"][0]
    rss, late, size = rows["prints without end"]
    ok = rss <= RSS_TARGET_MB and late <= LATE_TARGET_S
    print(f"step with timeout {TIMEOUT} s     runner peak RSS   past the timeout   executed notebook")
    for label, (r, t, s) in rows.items():
        print(f"  {label:<20} {r:8.0f} MB   {t:8.2f} s          {s:8.2f} MB")
    print(f"flood/sleep RSS {rss / base_rss:.2f}x; targets: RSS <= {RSS_TARGET_MB:.0f} MB, "
          f"ended <= {LATE_TARGET_S} s past the timeout: {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
