"""What a step did in a run, as HTML: status, duration, reuse, notebook, error, output folders."""
from __future__ import annotations

import html
from pathlib import Path

from ..run import StepRun

MAX_FILES = 30
CSV_ROWS = 5
CSV_FILES = 2
TRACEBACK_LINES = 12


def _esc(value: object) -> str:
    return html.escape(str(value))


def folder_html(name: str, folder: str) -> str:
    path = Path(folder)
    head = f"<div><b>{_esc(name)}</b>: <code>{_esc(folder)}</code></div>"
    if not path.is_dir():
        return head + "<div><i>no folder (yet)</i></div>"
    files = sorted(f for f in path.rglob("*") if f.is_file())
    if not files:
        return head + "<div><i>empty</i></div>"
    items = "".join(f"<li>{_esc(f.relative_to(path))} ({f.stat().st_size} bytes)</li>"
                    for f in files[:MAX_FILES])
    more = f"<li>... and {len(files) - MAX_FILES} more</li>" if len(files) > MAX_FILES else ""
    tables = "".join(csv_head_html(f) for f in [f for f in files if f.suffix == ".csv"][:CSV_FILES])
    return head + f"<ul style='margin:2px 0'>{items}{more}</ul>" + tables


def csv_head_html(path: Path) -> str:
    import pandas as pd

    try:
        frame = pd.read_csv(path, nrows=CSV_ROWS)
    except Exception as err:  # a file named .csv that is not one: say so, show the rest
        return f"<div><i>{_esc(path.name)} is not readable as CSV: {_esc(err)}</i></div>"
    return (f"<div style='margin-top:4px'>first rows of {_esc(path.name)}:</div>"
            + frame.to_html(index=False, border=0, classes="pw-csv-head"))


def step_html(step: StepRun, run_id: str) -> str:
    parts = [f"<div><b>{_esc(step.name)}</b> in run <code>{_esc(run_id)}</code>: "
             f"<b>{_esc(step.display_status)}</b></div>"]
    if step.duration is not None:
        parts.append(f"<div>duration: {step.duration:.1f} s</div>")
    if step.is_reused:
        parts.append(f"<div>reused the outputs of step run "
                     f"<code>{_esc(step.reused_from or '?')}</code></div>")
    elif step.why_not_reused:
        parts.append(f"<div>not reused: {_esc('; '.join(step.why_not_reused))}</div>")
    if step.reason:
        parts.append(f"<div>{_esc(step.reason)}</div>")
    if step.notebook:
        parts.append(f"<div>executed notebook: <a href='{_esc(Path(step.notebook).as_uri())}' "
                     f"target='_blank'><code>{_esc(step.notebook)}</code></a></div>")
    for label, path in (("output", step.stdout), ("errors", step.stderr)):
        if path:
            parts.append(f"<div>{label} log: <code>{_esc(path)}</code></div>")
    if step.error:
        headline, *traceback = step.error.render(TRACEBACK_LINES)
        parts.append(f"<div style='color:#b00'>{_esc(headline)}</div>")
        tail = "\n".join(traceback)
        if tail:
            parts.append(f"<pre style='font-size:11px;max-height:200px;overflow:auto'>"
                         f"{_esc(tail)}</pre>")
    for name, folder in step.outputs.items():
        parts.append(folder_html(name, folder))
    return f"<div style='overflow-wrap:anywhere'>{''.join(parts)}</div>"
