"""A run's timeline: one bar per step from its start to its end (a Gantt chart), as inline
SVG, so that where the time went (and what ran side by side) shows at a glance."""
from __future__ import annotations

import html
import time
from typing import Sequence

from ..run import StepRun
from .styles import STATUS_COLOURS

ROW = 22
LABEL = 150
WIDTH = 520


def reused_note(steps: Sequence[StepRun]) -> str:
    """What the timeline says when nothing ran: every step was reused (no time to chart)."""
    reused = [s for s in steps if s.is_reused]
    if not reused or any(s.start_time is not None and not s.is_reused for s in steps):
        return ""
    return (f"<div class='pw-timeline-reused'>reused: all {len(reused)} step(s) took their "
            f"results from earlier runs; nothing ran, so there is no time to chart</div>")


def gantt_svg(steps: Sequence[StepRun], now: float | None = None) -> str:
    """The steps that started, in start order; a running step's bar ends now. A run whose
    steps were all reused says so instead of charting zeros."""
    note = reused_note(steps)
    if note:
        return note
    started = sorted((s for s in steps if s.start_time is not None),
                     key=lambda s: s.start_time or 0.0)
    if not started:
        return ""
    now = time.time() if now is None else now
    t0 = min(s.start_time or now for s in started)
    t1 = max((s.end_time or now) for s in started)
    span = max(t1 - t0, 1e-3)
    scale = (WIDTH - LABEL - 60) / span
    rows = []
    for i, s in enumerate(started):
        start, end = (s.start_time or t0) - t0, (s.end_time or now) - t0
        x, y = LABEL + start * scale, 6 + i * ROW
        colour = STATUS_COLOURS.get(s.display_status, "#999")
        name = html.escape(s.name if len(s.name) <= 22 else s.name[:21] + "…")
        rows.append(
            f"<text x='{LABEL - 6}' y='{y + 14}' text-anchor='end' font-size='12'>{name}</text>"
            f"<rect x='{x:.1f}' y='{y + 2}' width='{max((end - start) * scale, 2):.1f}' "
            f"height='{ROW - 8}' fill='{colour}' stroke='#555' stroke-width='0.5'>"
            f"<title>{html.escape(s.name)}: {html.escape(s.display_status)}, "
            f"{end - start:.1f} s</title></rect>"
            f"<text x='{x + max((end - start) * scale, 2) + 4:.1f}' y='{y + 14}' "
            f"font-size='11' fill='#444'>{'reused' if s.is_reused else f'{end - start:.1f} s'}"
            f"</text>")
    height = 14 + len(started) * ROW
    axis = (f"<text x='{LABEL}' y='{height + 10}' font-size='10' fill='#666'>0 s</text>"
            f"<text x='{WIDTH - 60}' y='{height + 10}' font-size='10' fill='#666' "
            f"text-anchor='end'>{span:.1f} s</text>")
    return (f"<svg class='pw-gantt' xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' "
            f"height='{height + 14}' role='img' aria-label='timeline of the run'>"
            f"{''.join(rows)}{axis}</svg>")
