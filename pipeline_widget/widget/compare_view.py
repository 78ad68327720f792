"""Runs side by side in the runs panel: a table of parameters and metrics, and a small plot
of one metric across runs (inline SVG: no plotting library in the kernel)."""
from __future__ import annotations

import html

from ..run.compare import RunSummary, columns, series, shown

PLOT_W, PLOT_H, PAD = 360, 120, 24


def _cell(value: object) -> str:
    return html.escape(shown(value))


def table_html(runs: list[RunSummary]) -> str:
    if not runs:
        return "<i>No runs of this pipeline yet.</i>"
    params, metrics = columns(runs)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ["run", "status", *params, *metrics])
    rows = "".join(
        "<tr>" + f"<td>{html.escape(r.run_id)}</td><td>{html.escape(r.status)}</td>"
        + "".join(f"<td>{_cell(r.parameters[p]) if p in r.parameters else '-'}</td>"
                  for p in params)
        + "".join(f"<td>{_cell(r.metrics[m]) if m in r.metrics else '-'}</td>" for m in metrics)
        + "</tr>" for r in reversed(runs))
    return (f"<table class='pw-compare-table' style='font-size:12px;border-collapse:collapse'>"
            f"<tr>{head}</tr>{rows}</table>")


def plot_svg(runs: list[RunSummary], metric: str) -> str:
    """The metric's value in each run (oldest left), as points joined by a line."""
    points = series(runs, metric)
    if not points:
        return f"<i>{html.escape(metric or 'no metric')}: no numeric values to plot.</i>"
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (PLOT_W - 2 * PAD) / max(1, len(points) - 1)
    xy = [(PAD + i * step, PLOT_H - PAD - (v - low) / span * (PLOT_H - 2 * PAD))
          for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#1f77b4'>"
                   f"<title>{html.escape(run)}: {v:.4g}</title></circle>"
                   for (x, y), (run, v) in zip(xy, points))
    return (f"<svg class='pw-plot-svg' width='{PLOT_W}' height='{PLOT_H}' "
            f"style='background:#fafafa;border:1px solid #ddd'>"
            f"<text x='{PAD}' y='14' font-size='11'>{html.escape(metric)} "
            f"({low:.4g} to {high:.4g})</text>"
            f"<polyline points='{line}' fill='none' stroke='#1f77b4' stroke-width='1.5'/>"
            f"{dots}</svg>")
