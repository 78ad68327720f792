"""How the canvas looks: one status -> colour table, the cytoscape stylesheet and the legend."""
from __future__ import annotations

import html

from ..run.status import Status

REUSED = "Reused"
PROBLEM_COLOUR = "#d62728"
WARNING_COLOUR = "#e69500"
STALE_COLOUR = "#1f77b4"   # the double border of a step the next run would run

# The colour a person sees for each display status (Status values plus "Reused").
STATUS_COLOURS: dict[str, str] = {
    Status.NOT_STARTED.value: "#c7ccd1",
    Status.QUEUED.value: "#f2d16b",
    Status.RUNNING.value: "#4a90d9",
    Status.FINISHED.value: "#3aa655",
    REUSED: "#8fd19e",
    Status.FAILED.value: "#d62728",
    Status.SKIPPED.value: "#a58dc6",
    Status.CANCELED.value: "#7f7f7f",
    Status.NOT_SELECTED.value: "#e8eaed",
}

LEGEND_LABELS: dict[str, str] = {
    Status.NOT_STARTED.value: "not started",
    Status.QUEUED.value: "queued",
    Status.RUNNING.value: "running",
    Status.FINISHED.value: "finished",
    REUSED: "reused",
    Status.FAILED.value: "failed",
    Status.SKIPPED.value: "skipped",
    Status.CANCELED.value: "canceled",
    Status.NOT_SELECTED.value: "not selected",
}

# The status as text on a node, so it does not rest on colour alone ("" for not started).
STATUS_MARKS: dict[str, str] = {
    Status.QUEUED.value: "\u23f3 queued", Status.RUNNING.value: "\u25b6 running",
    Status.FINISHED.value: "\u2714 finished", REUSED: "\u267b reused",
    Status.FAILED.value: "\u2716 failed", Status.SKIPPED.value: "\u2014 skipped",
    Status.CANCELED.value: "\u25a0 canceled", Status.NOT_SELECTED.value: "\u00b7 not selected",
}


def display_label(label: str, status: str) -> str:
    """What a node shows: its label, and its status in words once it has one."""
    mark = STATUS_MARKS.get(status, "")
    return f"{label}\n{mark}" if mark else label


# Top to bottom: producers above their consumers. Computed by the front end, never stored.
LAYOUT = {"name": "dagre", "rankDir": "TB", "nodeSep": 40, "rankSep": 70, "padding": 20,
          "fit": True, "animate": False}
# dagre crosses few links but its time grows steeply with the graph (Chromium, 2 cores: 60
# steps 0.3 s, 100 steps 0.7 s, 200 steps 4.8 s); bigger pipelines are laid out breadth first.
DAGRE_MAX_STEPS = 80
LARGE_LAYOUT = {"name": "breadthfirst", "directed": True, "padding": 20, "fit": True,
                "animate": False}


def layout_for(steps: int) -> dict:
    """The layout for a pipeline of `steps` steps."""
    return dict(LAYOUT if steps <= DAGRE_MAX_STEPS else LARGE_LAYOUT)


# Labels are drawn in the graph's units, so they grow and shrink with the zoom; below
# MIN_READABLE_PX on screen cytoscape hides them (a blur of pixels reads as nothing), and the
# shape still shows. Data labels are the size of step labels: a name is a name.
LABEL_FONT = 12
MIN_READABLE_PX = 7
# A label wraps at this width (a long name, a running step's seconds and cell), so a node
# never grows wider than a column of the canvas.
LABEL_MAX_WIDTH = "170px"


def stylesheet() -> list[dict]:
    rules: list[dict] = [
        {"selector": "node", "style": {
            "shape": "round-rectangle", "label": "data(display)", "text-wrap": "wrap",
            "text-max-width": LABEL_MAX_WIDTH,
            "min-zoomed-font-size": MIN_READABLE_PX,
            "text-valign": "center", "text-halign": "center", "font-size": LABEL_FONT,
            "width": "label", "height": "label", "padding": "10px",
            "background-color": STATUS_COLOURS[Status.NOT_STARTED.value],
            "border-width": 1, "border-color": "#555"}},
        {"selector": "edge", "style": {
            "curve-style": "bezier", "width": 2, "line-color": "#8a8f96",
            "target-arrow-shape": "triangle", "target-arrow-color": "#8a8f96",
            "label": "data(label)", "font-size": LABEL_FONT - 1,
            "min-zoomed-font-size": MIN_READABLE_PX, "text-background-color": "#ffffff",
            "text-background-opacity": 0.85, "text-background-padding": "2px"}},
        # a link past a rank bows out, around the steps between its ends
        {"selector": "edge.skip", "style": {
            "curve-style": "unbundled-bezier", "control-point-distances": 220,
            "control-point-weights": 0.5}},
    ]
    rules += [{"selector": f'node[status = "{status}"]', "style": {"background-color": colour}}
              for status, colour in STATUS_COLOURS.items()]
    rules += [
        {"selector": "node.problem", "style": {"border-color": PROBLEM_COLOUR, "border-width": 3,
                                               "border-style": "dashed"}},
        {"selector": "edge.problem", "style": {"line-color": PROBLEM_COLOUR, "line-style": "dashed",
                                               "target-arrow-color": PROBLEM_COLOUR}},
        {"selector": "node.warning", "style": {"border-color": WARNING_COLOUR, "border-width": 3,
                                               "border-style": "dotted"}},
        {"selector": "edge.warning", "style": {"line-color": WARNING_COLOUR, "line-style": "dotted",
                                               "target-arrow-color": WARNING_COLOUR}},
        {"selector": "node[?stale]", "style": {"border-color": STALE_COLOUR, "border-width": 5,
                                               "border-style": "double"}},
        {"selector": "node.picked", "style": {"border-color": "#1f3b73", "border-width": 4}},
        {"selector": "node[?stale].picked", "style": {"border-style": "double",
                                                      "border-width": 6}},
        {"selector": "edge.picked", "style": {"width": 4, "line-color": "#1f3b73",
                                              "target-arrow-color": "#1f3b73"}},
        {"selector": "node.connecting", "style": {"border-color": "#ff7f0e", "border-width": 4}},
    ]
    # Data as nodes: a barrel per PipelineData (white) and per registered dataset (sand).
    # Before the marks, so a picked or problem data node shows it; they have no status.
    rules[2:2] = [
        {"selector": "node.data", "style": {"shape": "barrel", "background-color": "#ffffff",
                                            "border-color": "#4a90d9", "font-size": LABEL_FONT}},
        {"selector": "node.dataset", "style": {"shape": "barrel", "background-color": "#f6e7c1",
                                               "border-color": "#a0782c",
                                               "font-size": LABEL_FONT}},
    ]
    return rules


def legend_html() -> str:
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:10px">'
        f'<span style="width:12px;height:12px;border:1px solid #555;margin-right:4px;'
        f'background:{colour}"></span>{html.escape(LEGEND_LABELS[status])}</span>'
        for status, colour in STATUS_COLOURS.items())
    marks = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:10px"><span '
        f'style="width:12px;height:12px;border:{border};margin-right:4px"></span>{label}</span>'
        for border, label in ((f"2px dashed {PROBLEM_COLOUR}", "problem"),
                              (f"2px dotted {WARNING_COLOUR}", "warning"),
                              (f"4px double {STALE_COLOUR}", "would run")))
    return f'<div style="font-size:12px">{items}{marks}</div>'
