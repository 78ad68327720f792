"""The designer's canvas in a real browser: how long a pipeline takes to appear, and how long a
runner status event takes to recolour its node.

Starts an isolated JupyterLab (the browser tests' harness) and Debian's Chromium, opens a
notebook in a temporary folder and, for generated pipelines of 20 and 200 steps
(benchmarks.shapes.wide_dag), times from executing a cell to the canvas drawn with every node
and link:
  - baseline: a plain ipycytoscape graph of the same nodes and edges, built in one call,
    with the designer's stylesheet and layout;
  - designer: `PipelineDesigner(pipeline=p)`.
Then it publishes status events from the kernel on the event bus of a run the designer
follows (as it follows a submitted run) and times, in the page, until the node's `status`
changed and the next frame was drawn with its new colour; the baseline sets the same data on
a plain graph's node. Figures are medians of several repeats; ratios are designer /
baseline from the same run. Targets: 200 steps drawn in under 5 s, a status change shown in
under 0.5 s.

Run it from the repository root: `python -m benchmarks.browser_canvas [--sizes 20 200]`.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # the harness lives with the browser tests
    sys.path.insert(0, str(REPO))

from benchmarks.shapes import build_pipeline, wide_dag, write_notebooks  # noqa: E402
from tests.browser.lab import (  # noqa: E402
    CY_JS,
    LabServer,
    cell_errors,
    launch_chromium,
    open_notebook,
    prepare_root,
    wait_cells_done,
)

SIZES = (20, 200)
DRAW_TARGET_S = {200: 5.0}
STATUS_TARGET_S = 0.5
DRAW_REPEATS = 3
STATUS_EVENTS = 12
STATUS_GAP_S = 0.25

# Kernel code. The setup cell defines how each kind of canvas is built from a saved pipeline
# and how a status change reaches it; the timed cells only call these.
SETUP = r'''
import json, time
import ipycytoscape
from pipeline_widget import Pipeline, Status, StatusEvent, Workspace
from pipeline_widget.run.events import EventBus
from pipeline_widget.run.pipeline_run import PipelineRun
from pipeline_widget.run.records import new_record
from pipeline_widget.widget.styles import layout_for, stylesheet

ws = Workspace(".")
pipelines = {n: Pipeline.load(f"dag_{n}.pipeline.json", workspace=ws) for n in SIZES}

def plain(p):
    """The baseline: the same nodes and labelled edges as one plain ipycytoscape graph."""
    producer = {d.name: s.name for s in p.steps for d in s.outputs}
    nodes = [{"data": {"id": s.name, "label": s.name, "status": "NotStarted"}} for s in p.steps]
    edges = [{"data": {"source": producer[i.name], "target": s.name, "label": i.name}}
             for s in p.steps for i in s.inputs if getattr(i, "name", None) in producer]
    g = ipycytoscape.CytoscapeWidget()
    g.graph.add_graph_from_json({"nodes": nodes, "edges": edges}, directed=True)
    g.cytoscape_style = stylesheet()    # the designer's look and layout, without the designer
    g.cytoscape_layout = layout_for(len(p.steps))
    g.layout.height = "600px"
    g.add_class("bench-canvas")
    return g

def designer(p):
    from pipeline_widget import PipelineDesigner
    d = PipelineDesigner(pipeline=p)
    d.add_class("bench-canvas")
    return d

def plain_status(g, step, status):
    node = next(n for n in g.graph.nodes if n.data["id"] == step)
    node.data = {**node.data, "status": status}

def designer_follow(d):
    """A run handle on an event bus of our own, followed by the designer as a submitted run
    is; returns the bus, on which the runner would publish."""
    bus = EventBus()
    d.runs_panel._follow(PipelineRun(d.workspace, new_record("bench_run"), bus))
    return bus

def publish(kind, view, steps, count, gap):
    """Status changes, `gap` s apart; prints when each was handed over (epoch ms)."""
    if kind == "plain":
        change = plain_status
    else:
        bus = designer_follow(view)
        change = lambda d, step, status: bus.publish(
            StatusEvent(run_id="bench_run", step=step, status=Status(status)))
    cycle = ["Queued", "Running", "Finished"]
    sent = []
    for k in range(count):
        step, status = steps[k % len(steps)], cycle[(k // len(steps)) % len(cycle)]
        t = time.time() * 1000
        change(view, step, status)
        sent.append([step, status, t])
        time.sleep(gap)
    print("SENT " + json.dumps(sent))
'''

# Page code: execute cell `index` and resolve with the milliseconds until its output holds a
# cytoscape canvas with `nodes` nodes and `edges` edges and one more frame was drawn.
TIME_DRAW_JS = """async ([index, nodes, edges, timeoutMs]) => {""" + CY_JS + """
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[index];
  const old = cyIn(cell.node.querySelector('.jp-OutputArea'));
  panel.content.activeCellIndex = index;
  const t0 = performance.now();
  window.jupyterapp.commands.execute('notebook:run-cell');
  const frame = () => new Promise(r => requestAnimationFrame(r));
  while (performance.now() - t0 < timeoutMs) {
    await frame();
    const cy = cyIn(cell.node.querySelector('.jp-OutputArea'));
    if (cy && cy !== old && cy.width() > 0 && cy.nodes().length === nodes
        && cy.edges().length === edges) {
      await frame();
      return performance.now() - t0;
    }
  }
  throw new Error(`no canvas with ${nodes} nodes after ${timeoutMs} ms`);
}
"""

# Page code: record every node status change in the canvas of cell `index`, with the time
# (epoch ms) of the first frame drawn after it and the node's colour then.
WATCH_STATUS_JS = """([index]) => {""" + CY_JS + """
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const cy = cyIn(cell.node.querySelector('.jp-OutputArea'));
  window.__seen = [];
  window.__before = {};
  cy.nodes().forEach(n => { window.__before[n.id()] = n.style('background-color'); });
  cy.on('data', 'node', (e) => {
    const node = e.target, status = node.data('status');
    requestAnimationFrame(() => window.__seen.push(
      [node.id(), status, performance.timeOrigin + performance.now(),
       node.style('background-color')]));
  });
  return cy.nodes().length;
}
"""


def set_cell(page, index: int, source: str) -> None:
    page.evaluate("""([i, src]) => {
      const nb = window.jupyterapp.shell.currentWidget.content;
      while (nb.widgets.length <= i) {
        nb.model.sharedModel.insertCell(nb.widgets.length, {cell_type: 'code', source: ''});
      }
      nb.widgets[i].model.sharedModel.setSource(src);
    }""", [index, source])


def run_cell(page, index: int, source: str, timeout: float = 120_000) -> str:
    """Execute `source` in cell `index`; returns the cell's output text."""
    set_cell(page, index, source)
    page.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
      nb.activeCellIndex = i; return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
                  index)
    wait_cells_done(page, timeout)
    errors = cell_errors(page)
    if errors:
        raise RuntimeError("a benchmark cell failed:\n" + "\n".join(errors))
    return page.evaluate("""(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]
      .node.querySelector('.jp-OutputArea').innerText""", index)


def time_draw(page, kind: str, size: int, shape_edges: int,
              repeats: int = DRAW_REPEATS) -> list[float]:
    """Seconds from executing the cell to the drawn canvas, for each repeat."""
    set_cell(page, 1, f"{kind}(pipelines[{size}])")
    times = []
    for _ in range(repeats):
        ms = page.evaluate(f"({TIME_DRAW_JS})", [1, size, shape_edges, 120_000])
        wait_cells_done(page)
        times.append(ms / 1000)
    return times


def time_status(page, kind: str, size: int, events: int = STATUS_EVENTS) -> list[float]:
    """Seconds from each status change handed to the view in the kernel to its drawn colour."""
    run_cell(page, 1, f"view = {kind}(pipelines[{size}]); view")
    page.wait_for_function(f"""() => {{ {CY_JS}
      const cell = window.jupyterapp.shell.currentWidget.content.widgets[1];
      const cy = cyIn(cell.node.querySelector('.jp-OutputArea'));
      return cy && cy.nodes().length === {size}; }}""", timeout=120_000)
    page.evaluate(f"({WATCH_STATUS_JS})", [1])
    steps = f"[s.name for s in pipelines[{size}].steps][:4]"
    out = run_cell(page, 2, f"publish({kind!r}, view, {steps}, {events}, "
                            f"{STATUS_GAP_S})")
    sent = json.loads(out.split("SENT ", 1)[1].strip())
    page.wait_for_timeout(500)
    seen = page.evaluate("window.__seen")
    delays = []
    for step, status, t_sent in sent:
        shown = [t for sid, st, t, _ in seen if sid == step and st == status and t >= t_sent - 5]
        if not shown:
            raise RuntimeError(f"{kind}: the canvas never showed {step} as {status}")
        delays.append((min(shown) - t_sent) / 1000)
    before = page.evaluate("window.__before")
    same = [(sid, st, c) for sid, st, _, c in seen if c == before[sid]]
    if same:
        raise RuntimeError(f"{kind}: status changes did not change node colours: {same}")
    return delays


def write_pipelines(root: Path, sizes) -> dict[int, int]:
    """`bench/dag_<n>.pipeline.json` and its step notebooks; returns size -> edge count."""
    from pipeline_widget import Workspace

    edges = {}
    for n in sizes:
        shape = wide_dag(n)
        notebooks = write_notebooks(shape, root / "bench" / f"steps_{n}")
        build_pipeline(shape, notebooks, Workspace(root / "bench")).save(
            root / "bench" / f"{shape.name}.pipeline.json")
        edges[n] = sum(len(ups) for ups in shape.upstream.values())
    return edges


def write_bench_notebook(root: Path, sizes) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(f"SIZES = {list(sizes)}\n" + SETUP)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(root / "bench" / "canvas.ipynb"))
    return "bench/canvas.ipynb"


def fmt(seconds: list[float]) -> str:
    return (f"median {statistics.median(seconds):.3f} s "
            f"(min {min(seconds):.3f}, max {max(seconds):.3f})")


def measure_in(page, lab: LabServer, sizes=SIZES, kinds=("plain", "designer"),
               repeats: int = DRAW_REPEATS, events: int = STATUS_EVENTS) -> dict:
    """Take every figure with `page` on `lab`; returns seconds by figure, then kind (and size)."""
    edges = write_pipelines(lab.root, sizes)
    open_notebook(page, lab, write_bench_notebook(lab.root, sizes))
    run_cell(page, 0, page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.sharedModel"
        ".getSource()"))
    results: dict = {"draw": {}, "status": {}}
    for size in sizes:
        for kind in kinds:
            times = time_draw(page, kind, size, edges[size], repeats)
            results["draw"][(kind, size)] = times
            print(f"draw {kind:8} {size:4} steps: {fmt(times)}", flush=True)
    size = max(sizes)  # the most elements to restyle
    for kind in kinds:
        results["status"][kind] = time_status(page, kind, size, events)
        print(f"status {kind:8} ({size} steps): {fmt(results['status'][kind])}", flush=True)
    return results


def measure(sizes=SIZES, kinds=("plain", "designer")) -> dict:
    """Start an isolated lab and the browser, take every figure, stop them."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="browser-canvas-") as tmp:
        lab = LabServer(prepare_root(Path(tmp) / "root", REPO), Path(tmp) / "jupyter")
        lab.start()
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                try:
                    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                    return measure_in(page, lab, sizes, kinds)
                finally:
                    browser.close()
        finally:
            lab.stop()


def report(results: dict) -> list[str]:
    """Ratios against the baseline and the targets; returns the targets missed."""
    missed = []
    for (kind, size), times in sorted(results["draw"].items(), key=lambda kv: kv[0][1]):
        if kind != "designer":
            continue
        med = statistics.median(times)
        base = results["draw"].get(("plain", size))
        ratio = f", {med / statistics.median(base):.2f}x the plain graph" if base else ""
        target = DRAW_TARGET_S.get(size)
        verdict = ""
        if target:
            ok = med < target
            verdict = f"; target < {target:.1f} s: {'met' if ok else 'MISSED'}"
            if not ok:
                missed.append(f"draw {size}")
        print(f"designer draws {size} steps in {med:.3f} s{ratio}{verdict}")
    if "designer" in results["status"]:
        worst = max(results["status"]["designer"])
        med = statistics.median(results["status"]["designer"])
        base = results["status"].get("plain")
        ratio = f", {med / statistics.median(base):.2f}x the plain graph" if base else ""
        ok = worst < STATUS_TARGET_S
        print(f"designer shows a status change in {med:.3f} s (worst {worst:.3f} s){ratio}; "
              f"target < {STATUS_TARGET_S} s: {'met' if ok else 'MISSED'}")
        if not ok:
            missed.append("status")
    return missed


def main(argv: list[str] | None = None) -> int:
    """Measure and print; returns 1 when a target is missed, else 0."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser_canvas",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--baseline-only", action="store_true",
                        help="measure the plain ipycytoscape graph only")
    args = parser.parse_args(argv)
    kinds = ("plain",) if args.baseline_only else ("plain", "designer")
    start = time.monotonic()
    results = measure(args.sizes, kinds)
    missed = report(results)
    print(f"browser canvas benchmark took {time.monotonic() - start:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
