"""The list of what is wrong with the pipeline, under the canvas: problems (a run would be
refused) apart from warnings (it would run, perhaps not as meant)."""
from __future__ import annotations

import html

from ..core import Problem

OK = "<div style='color:#225522'>&#10003; no problems</div>"


def problems_html(problems: list[Problem]) -> str:
    if not problems:
        return OK
    parts = []
    for found, colour, what in (([p for p in problems if not p.warning], "#b00", "problem(s)"),
                                ([p for p in problems if p.warning], "#a35f00", "warning(s)")):
        if found:
            items = "".join(f"<li>{html.escape(p.message)}</li>" for p in found)
            parts.append(f"<div style='color:{colour}'><b>{len(found)} {what}</b>"
                         f"<ul style='margin:2px 0'>{items}</ul></div>")
    return "".join(parts)


def validation_message(problems: list[Problem]) -> tuple[str, bool]:
    """What Validate says, and whether it is an error."""
    errors = [p for p in problems if not p.warning]
    warned = len(problems) - len(errors)
    return (f"{len(errors)} problem(s): see the list below the canvas" if errors else
            f"the pipeline is valid, with {warned} warning(s) below the canvas" if warned
            else "the pipeline is valid"), bool(errors)
