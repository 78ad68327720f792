"""The designer as a JupyterLab document: how long from a double-click on a `.pipeline.json` in
the file browser to its canvas drawn.

Starts an isolated JupyterLab (the browser tests' harness) and Debian's Chromium on a copy of
the repository's examples, then times, in the page:
  - cold: a double-click on `examples/seed.pipeline.json` (no kernel yet: the document starts
    one, imports the designer in it and draws the canvas), until every node is drawn;
  - with a running kernel: a second view of the open document (File > New View), which runs
    the designer again in the document's running kernel, until its canvas is drawn.
Figures are medians of several repeats, each on a fresh page. Targets: cold <= 3 s, with a
running kernel <= 1 s. A third figure, without target, is the kernel's share of a cold open:
importing the designer and making it for the seed in a fresh kernel (the part `python -X
importtime` and a profiler look into).

Run it from the repository root: `python -m benchmarks.document [--repeat N]`.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # the harness lives with the browser tests
    sys.path.insert(0, str(REPO))

from tests.browser.document import (  # noqa: E402
    file_item,
    open_folder,
    wait_designer,
)
from tests.browser.lab import CY_JS, LabServer, launch_chromium, prepare_root  # noqa: E402

DRAWN_TWICE = """() => { %s
  const views = [...document.querySelectorAll('.pw-DesignerDocument .pw-canvas')];
  return views.length === 2 && views.every(v => { const cy = cyIn(v);
    return cy && cy.width() > 0 && cy.nodes().length === 2; });
}""" % CY_JS


def measure(repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    found: dict[str, list[float]] = {"cold": [], "running kernel": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = prepare_root(Path(tmp) / "root", REPO)
        lab = LabServer(root, Path(tmp) / "jupyter")
        lab.start()
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                for _ in range(repeat):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    open_folder(page, lab, "examples")
                    item = file_item(page, "seed.pipeline.json")
                    start = time.perf_counter()
                    item.dblclick()
                    wait_designer(page, nodes=2)
                    found["cold"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:clone')")
                    page.wait_for_function(DRAWN_TWICE, timeout=60_000, polling=50)
                    found["running kernel"].append(time.perf_counter() - start)
                    page.close()
                    lab.shutdown_kernels()
                    shutil.rmtree(root / "examples" / "pipeline_workspace", ignore_errors=True)
                browser.close()
        finally:
            lab.stop()
    return found


KERNEL_SHARE = """
import time
start = time.perf_counter()
from pipeline_widget.widget.document import DesignerDocument
text = open('seed.pipeline.json').read()
DesignerDocument('seed.pipeline.json', 'examples/seed.pipeline.json', text, lambda m: None,
                 warm_kernels=0)
print(time.perf_counter() - start)
"""


def kernel_share(repeat: int) -> list[float]:
    """Seconds a fresh kernel takes to import the designer and make it for the seed."""
    from jupyter_client.manager import start_new_kernel

    found = []
    with tempfile.TemporaryDirectory() as tmp:
        root = prepare_root(Path(tmp) / "root", REPO)
        for _ in range(repeat):
            found.append(_kernel_share_once(root / "examples", start_new_kernel))
    return found


def _kernel_share_once(folder: Path, start_new_kernel) -> float:
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(folder),
                              stderr=subprocess.DEVNULL)
    try:
        out: list[str] = []
        kc.execute_interactive(KERNEL_SHARE, timeout=120, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        return float("".join(out).split()[-1])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.document", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, metavar="N")
    args = parser.parse_args(argv)
    targets = {"cold": 3.0, "running kernel": 1.0}
    print(f"{'double-click -> canvas drawn':32} {'median s':>9} {'target s':>9}  runs")
    ok = True
    for name, times in measure(args.repeat).items():
        median = statistics.median(times)
        ok = ok and median <= targets[name]
        print(f"{name:32} {median:9.2f} {targets[name]:9.1f}  "
              + " ".join(f"{t:.2f}" for t in times))
    times = kernel_share(args.repeat)
    print(f"{'of cold: kernel makes designer':32} {statistics.median(times):9.2f} {'-':>9}  "
          + " ".join(f"{t:.2f}" for t in times))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
