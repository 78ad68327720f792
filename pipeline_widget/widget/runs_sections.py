"""More sections of the runs panel, from other parts of the project or other packages: a
registry (entry point group `pipeline_widget.runs_panel_sections`), like the step kinds and
the executors. A provider is `provider(workspace) -> [{"title", "columns", "rows"}]` (rows
of text); it returns nothing when the workspace has nothing of it, and the panel then shows
nothing of it. The Azure ML adapter lists its local registries this way, so the widget never
imports it."""
from __future__ import annotations

import html
import threading
import warnings
from typing import Any, Callable

import ipywidgets as w

from ..core import Workspace, plugins

ENTRY_POINTS = "pipeline_widget.runs_panel_sections"
Section = dict[str, Any]
Provider = Callable[[Workspace], list[Section]]
_providers: dict[str, Provider] = {}
_loaded = False
_lock = threading.Lock()


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    """Every provider: those registered here and those installed packages declare."""
    global _loaded
    with _lock:
        if not _loaded:
            for point in plugins.entry_points_of(ENTRY_POINTS):
                try:
                    _providers.setdefault(point.name, point.load())
                except Exception as err:   # a broken plug-in must not stop the panel
                    warnings.warn(f"runs panel section {point.name!r} could not be loaded: "
                                  f"{err}", stacklevel=2)
            _loaded = True
    return dict(_providers)


def sections(workspace: Workspace) -> list[Section]:
    """The sections every provider has for `workspace`, in provider order; a provider that
    fails shows as a section saying so."""
    found: list[Section] = []
    for name, provider in providers().items():
        try:
            found += [s for s in provider(workspace) if s.get("rows")]
        except Exception as err:
            found.append({"title": name, "columns": ["problem"],
                          "rows": [[f"{type(err).__name__}: {err}"]]})
    return found


def section_html(section: Section) -> str:
    head = "".join(f"<th style='padding:0 6px;text-align:left'>{html.escape(str(c))}</th>"
                   for c in section.get("columns", []))
    rows = "".join("<tr>" + "".join(f"<td style='padding:0 6px'>{html.escape(str(v))}</td>"
                                    for v in row) + "</tr>" for row in section["rows"])
    return (f"<div style='overflow-x:auto'><table class='pw-section-table' "
            f"style='font-size:12px;border-collapse:collapse'><tr>{head}</tr>{rows}</table>"
            f"</div>")


class RunsSections(w.Accordion):
    """One folded section per provider section; hidden while there is none."""

    def __init__(self) -> None:
        super().__init__(selected_index=None)
        self.add_class("pw-runs-sections")
        self.shown: list[Section] = []
        self.layout.display = "none"

    def show(self, workspace: Workspace) -> None:
        found = sections(workspace)
        if found == self.shown:
            return
        self.shown = found
        views = []
        for section in found:
            view = w.HTML(section_html(section))
            view.add_class("pw-section")
            views.append(view)
        self.children = views
        self.titles = tuple(f"{s['title']} ({len(s['rows'])})" for s in found)
        self.layout.display = None if found else "none"
