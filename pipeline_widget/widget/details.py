"""What a step did in a run: status, duration, reuse, its executed notebook and logs (one
click away, see artefacts.py), its error, its output folders and the images it made."""
from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as w

from ..run import StepRun
from .artefacts import (
    IMAGE_SUFFIXES,
    IMAGES,
    folder_link,
    href,
    image_html,
    log_html,
    notebook_html,
    notebook_images,
    open_link,
)
from .controls import button

MAX_FILES = 30
CSV_ROWS = 5
CSV_FILES = 2
TRACEBACK_LINES = 12


def _esc(value: object) -> str:
    return html.escape(str(value))


def folder_html(name: str, folder: str) -> str:
    path = Path(folder)
    head = f"<div><b>{_esc(name)}</b>: {folder_link(path, href(path) + '/')}</div>"
    if not path.is_dir():
        return head + "<div><i>no folder (yet)</i></div>"
    files, links = _contents(path)
    if not files and not links:
        return head + "<div><i>empty</i></div>"
    items = "".join(f"<li>{open_link(f, str(f.relative_to(path)))} ({f.stat().st_size} bytes)"
                    f"</li>" for f in files[:MAX_FILES])
    items += "".join(f"<li>{_esc(f.relative_to(path))} <i>(a link, not followed)</i></li>"
                     for f in links[:MAX_FILES])
    more = f"<li>... and {len(files) - MAX_FILES} more</li>" if len(files) > MAX_FILES else ""
    tables = "".join(csv_head_html(f) for f in [f for f in files if f.suffix == ".csv"][:CSV_FILES])
    images = "".join(image_html(f) for f in
                     [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES][:IMAGES])
    return head + f"<ul style='margin:2px 0'>{items}{more}</ul>" + tables + images


# What JupyterLab writes beside a file opened from an output folder: never the step's.
NOT_OUTPUTS = frozenset({".ipynb_checkpoints"})


def _contents(folder: Path) -> tuple[list[Path], list[Path]]:
    """(files, links) under an output folder; links are never followed, so a preview stays
    inside the folder whatever the step linked to. JupyterLab's checkpoints are left out."""
    files, links = [], []
    for root, dirs, names in os.walk(folder):   # does not descend into linked folders
        dirs[:] = [d for d in dirs if d not in NOT_OUTPUTS]
        for name in [*dirs, *names]:
            entry = Path(root) / name
            if entry.is_symlink():
                links.append(entry)
            elif name in names and entry.is_file():
                files.append(entry)
    return sorted(files), sorted(links)


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
        progress = f", in {step.progress}" if step.progress else ""
        parts.append(f"<div>duration: {step.duration:.1f} s{progress}</div>")
    if step.is_reused:
        parts.append(f"<div>reused the outputs of step run "
                     f"<code>{_esc(step.reused_from or '?')}</code></div>")
    elif step.why_not_reused:
        parts.append(f"<div>not reused: {_esc('; '.join(step.why_not_reused))}</div>")
    if step.reason:
        parts.append(f"<div>{_esc(step.reason)}</div>")
    if step.notebook:
        parts.append(f"<div>executed notebook: {open_link(step.notebook)}</div>")
    parts += [log_html(label, path) for label, path in (("output log", step.stdout),
                                                         ("error log", step.stderr))]
    if step.error:
        headline, *traceback = step.error.render(TRACEBACK_LINES)
        parts.append(f"<div style='color:#b00'>{_esc(headline)}</div>")
        tail = "\n".join(traceback)
        if tail:
            parts.append(f"<pre style='font-size:11px;max-height:200px;overflow:auto'>"
                         f"{_esc(tail)}</pre>")
    for name, folder in step.outputs.items():
        parts.append(folder_html(name, folder) if step.outputs_made else
                     f"<div><b>{_esc(name)}</b>: <i>not created (the step did not run)</i></div>")
    if step.notebook:
        parts += notebook_images(step.notebook)
    return f"<div style='overflow-wrap:anywhere'>{''.join(parts)}</div>"


class StepDetails(w.VBox):
    """The step details panel. Its HTML is shown as rendered output, not as an HTML widget,
    so that JupyterLab handles its links (a tab for each artefact); a button renders the
    executed notebook inline for front ends that cannot open it."""

    def __init__(self, text: str) -> None:
        self._html = w.Output(layout=w.Layout(max_height="420px", overflow="auto"))
        self.notebook_button = button("Show the executed notebook here", "pw-show-notebook",
                                      self.toggle_notebook, icon="book",
                                      layout=w.Layout(width="auto"))
        self.notebook_view = w.HTML(layout=w.Layout(max_height="600px", overflow="auto"))
        self.notebook_view.add_class("pw-notebook")
        self.notebook: str | None = None
        self._value = ""
        super().__init__([self._html])
        self.add_class("pw-step-details")
        self.show(text)

    @property
    def value(self) -> str:
        """The HTML shown (as an HTML widget's value)."""
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        self.show(text)

    def show(self, text: str, notebook: str | None = None) -> None:
        """Details of a step run; `notebook`: its executed notebook, offered inline."""
        self._value = text
        self._html.outputs = ({"output_type": "display_data", "metadata": {},
                               "data": {"text/html": text, "text/plain": "step details"}},)
        if notebook != self.notebook:
            self.notebook_view.value = ""
        self.notebook = notebook
        rows: list[w.Widget] = [self._html]
        if notebook:
            rows.append(self.notebook_button)
            if self.notebook_view.value:
                self.notebook_view.value = notebook_html(notebook)   # it may have changed
                rows.append(self.notebook_view)
        self.notebook_button.description = ("Hide the executed notebook"
                                            if self.notebook_view.value
                                            else "Show the executed notebook here")
        if tuple(getattr(self, "children")) != tuple(rows):
            self.children = rows

    def toggle_notebook(self) -> None:
        if self.notebook is None:
            return
        self.notebook_view.value = "" if self.notebook_view.value else \
            notebook_html(self.notebook)
        self.show(self._value, self.notebook)
