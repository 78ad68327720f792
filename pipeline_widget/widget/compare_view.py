"""Runs side by side in the runs panel: a table of parameters and metrics, and a small plot
of one metric across runs (inline SVG: no plotting library in the kernel)."""
from __future__ import annotations

import html

from ..run.compare import RunSummary, columns, series, shown_column

PLOT_W, PLOT_H = 420, 180
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 44   # room for the axes' ticks and titles
MISSING = "-"


def _column(runs: list[RunSummary], key: str, metric: bool) -> list[str]:
    """One column's cells, newest run first; values with the digits that tell them apart."""
    have = [r for r in runs if key in (r.metrics if metric else r.parameters)]
    texts = dict(zip((r.run_id for r in have), shown_column(
        [(r.metrics if metric else r.parameters)[key] for r in have])))
    return [html.escape(texts.get(r.run_id, MISSING)) for r in reversed(runs)]


def table_html(runs: list[RunSummary]) -> str:
    if not runs:
        return "<i>No runs of this pipeline yet.</i>"
    params, metrics = columns(runs)
    cells = [_column(runs, p, False) for p in params] + [_column(runs, m, True) for m in metrics]
    head = "".join(f"<th style='padding:0 6px'>{html.escape(h)}</th>"
                   for h in ["run", "status", *params, *metrics])
    rows = "".join(
        f"<tr><td>{html.escape(r.run_id)}</td><td>{html.escape(r.status)}</td>"
        + "".join(f"<td style='padding:0 6px'>{column[i]}</td>" for column in cells)
        + "</tr>" for i, r in enumerate(reversed(runs)))
    return (f"<div style='overflow-x:auto'><table class='pw-compare-table' "
            f"style='font-size:12px;border-collapse:collapse'><tr>{head}</tr>{rows}</table>"
            f"</div>")


def plot_svg(runs: list[RunSummary], metric: str) -> str:
    """The metric's value in each run (oldest left), as points joined by a line, with the
    runs along a titled x axis and the metric's values on a titled y axis."""
    points = series(runs, metric)
    if not points:
        return f"<i>{html.escape(metric or 'no metric')}: no numeric values to plot.</i>"
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    inner_w, inner_h = PLOT_W - LEFT - RIGHT, PLOT_H - TOP - BOTTOM
    step = inner_w / max(1, len(points) - 1)


    def y(v: float) -> float:   # one value (or all equal): the middle of the axis
        return TOP + inner_h / 2 if high == low else TOP + inner_h - (v - low) / span * inner_h
    xy = [(LEFT + (i * step if len(points) > 1 else inner_w / 2), y(v))
          for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    ticks = dict(zip((low, high), shown_column([low, high]))) if high != low else \
        {low: shown_column([low])[0]}
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#1f77b4'>"
                   f"<title>{html.escape(run)}: {text}</title></circle>"
                   for (x, y), (run, _), text in zip(xy, points, shown_column(values)))
    y_ticks = "".join(
        f"<text x='{LEFT - 4}' y='{y(v) + 4:.1f}' "
        f"font-size='10' text-anchor='end'>{html.escape(t)}</text>" for v, t in ticks.items())
    x_ticks = "".join(
        f"<text x='{x:.1f}' y='{TOP + inner_h + 14}' font-size='9' text-anchor='middle'>"
        f"{i + 1}</text>" for i, (x, _) in enumerate(xy))
    bottom = TOP + inner_h
    axes = (f"<line x1='{LEFT}' y1='{TOP}' x2='{LEFT}' y2='{bottom}' stroke='#888'/>"
            f"<line x1='{LEFT}' y1='{bottom}' x2='{LEFT + inner_w}' y2='{bottom}' "
            f"stroke='#888'/>"
            f"<text class='pw-x-title' x='{LEFT + inner_w / 2:.1f}' y='{PLOT_H - 8}' "
            f"font-size='11' text-anchor='middle'>run (oldest first, 1 to {len(points)})"
            f"</text>"
            f"<text class='pw-y-title' x='12' y='{TOP + inner_h / 2:.1f}' font-size='11' "
            f"text-anchor='middle' transform='rotate(-90 12 {TOP + inner_h / 2:.1f})'>"
            f"{html.escape(metric)}</text>")
    return (f"<svg class='pw-plot-svg' width='{PLOT_W}' height='{PLOT_H}' role='img' "
            f"aria-label='{html.escape(metric)} across runs' "
            f"style='background:#fafafa;border:1px solid #ddd'>{axes}{y_ticks}{x_ticks}"
            f"<polyline points='{line}' fill='none' stroke='#1f77b4' stroke-width='1.5'/>"
            f"{dots}</svg>")
