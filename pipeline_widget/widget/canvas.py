"""The ipycytoscape canvas: draws a pipeline, colours nodes by status, reports clicks.

ipycytoscape 1.3.3 rules kept here: handlers are registered before display and only for
"node"/"edge" events; nodes are selectable only with auto_unselectify=False; tap
thresholds and pixel_ratio are never touched; a structural change replaces every node
and edge widget (fresh widgets) instead of remove_node, whose front end removes extra nodes
(ipycytoscape issue 322), in two state messages: first empty, then the new elements (the
front end adds a new element before it removes the old one, so an element whose id is
reused in the same message would vanish); the layout is computed by the front end (dagre,
top to bottom) and never stored.
"""
from __future__ import annotations

import importlib
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from ..core import Problem
from ..run import Pipeline
from ..run.status import Status
from . import elements
from .styles import LAYOUT, display_label, layout_for, stylesheet

_GRAPH_LIBRARIES = {"pandas": "pd", "networkx": "nx"}   # module: ipycytoscape's name for it


# The classes ipycytoscape checks every graph against (`isinstance(graph, nx.Graph)`).
_TYPE_CHECKS = {"Graph", "DiGraph", "MultiGraph", "DataFrame"}


class _NotImported:
    """Stands for a class of a module nobody imported: nothing can be an instance of it."""


class _OnFirstUse:
    """A module imported when an attribute of it is first needed."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        module = sys.modules.get(self._name)
        if module is None and attr in _TYPE_CHECKS:
            return _NotImported
        return getattr(module or importlib.import_module(self._name), attr)


@contextmanager
def _graph_libraries_on_first_use() -> Iterator[None]:
    """ipycytoscape imports pandas and networkx for graphs given as data frames or networkx
    graphs (never here); they would cost a designer's cold start about a second. In this
    block their imports fail (as if absent); after it, ipycytoscape gets them on first use."""
    blocked = [m for m in _GRAPH_LIBRARIES if m not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    module = sys.modules.get("ipycytoscape.cytoscape")
    for name in blocked:
        if module is not None and getattr(module, _GRAPH_LIBRARIES[name], 0) is None:
            setattr(module, _GRAPH_LIBRARIES[name], _OnFirstUse(name))


with _graph_libraries_on_first_use():
    from ipycytoscape import CytoscapeWidget, Edge, Node

PickHandler = Callable[[str, str], None]  # (kind "node" | "edge", element id)
DOUBLE_CLICK = 0.5   # seconds between the two clicks of a double-click


class PipelineCanvas(CytoscapeWidget):
    """A CytoscapeWidget that shows one pipeline; `on_pick` receives node and edge clicks."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.auto_unselectify = False
        self.max_zoom = 1.6    # a small pipeline fits without giant labels
        self.min_zoom = 0.05
        self.box_selection_enabled = False
        # In a notebook the wheel scrolls the page (Layout fits the graph again); a document,
        # whose canvas is its tab, turns wheel zoom back on.
        self.user_zooming_enabled = False
        self.cytoscape_style = stylesheet()
        self.cytoscape_layout = dict(LAYOUT)
        self.layout.height = "440px"
        self.layout.width = "100%"
        self.add_class("pw-canvas")
        self._nodes: dict[str, Node] = {}
        self._edges: dict[str, Edge] = {}
        self._statuses: dict[str, str] = {}
        self._marks: dict[str, set[str]] = {}   # element id -> extra classes (picked, connecting)
        self._base: dict[str, str] = {}   # element id -> classes from the model (problem, warning)
        self.stale: dict[str, str] = {}   # step -> why the next run would run it
        self._pick_handlers: list[PickHandler] = []
        self._retired: list = []  # the widgets replaced by the last rebuild, closed at the next
        self._lock = threading.RLock()  # status events arrive on the runner's thread
        self.data_nodes = False   # draw PipelineData and datasets as nodes of their own
        self.on("node", "click", lambda payload: self._picked("node", payload))
        self.on("edge", "click", lambda payload: self._picked("edge", payload))
        self._open_handlers: list[Callable[[str], None]] = []
        self._drag_handlers: list[Callable[[str, str], object]] = []
        self._pressed: str | None = None   # the node the mouse button went down on
        self.on("node", "mousedown", self._mouse_down)
        self.on("node", "mouseup", self._mouse_up)
        self._last_click: tuple[str, float] = ("", 0.0)   # ipycytoscape passes no dblclick

    # -- input ----------------------------------------------------------------------
    def on_pick(self, handler: PickHandler) -> None:
        self._pick_handlers.append(handler)

    def on_open(self, handler: Callable[[str], None]) -> None:
        """`handler(step)` receives double-clicks on step nodes."""
        self._open_handlers.append(handler)

    def _picked(self, kind: str, payload: dict) -> None:
        element_id = (payload or {}).get("data", {}).get("id")
        if element_id is None:
            return
        for handler in list(self._pick_handlers):
            handler(kind, element_id)
        if kind == "node" and not elements.is_data_node(element_id):
            self._maybe_opened(element_id)

    def on_drag(self, handler: Callable[[str, str], object]) -> None:
        """`handler(source, target)` receives a drag from one node released on another
        (cytoscape reports the release on the node under the pointer, not the dragged one)."""
        self._drag_handlers.append(handler)

    def _mouse_down(self, payload: dict) -> None:
        self._pressed = (payload or {}).get("data", {}).get("id")

    def _mouse_up(self, payload: dict) -> None:
        source, self._pressed = self._pressed, None
        target = (payload or {}).get("data", {}).get("id")
        if source is None or target is None or source == target:
            return
        for handler in list(self._drag_handlers):
            handler(source, target)
        self.relayout()   # the dragged node goes back to its place

    def forget_click(self) -> None:
        """Something happened since the last click: the next click starts afresh."""
        self._last_click = ("", 0.0)

    def _maybe_opened(self, step: str) -> None:
        """A second click on the same step within DOUBLE_CLICK seconds is a double-click."""
        now = time.monotonic()
        last, when = self._last_click
        if last == step and now - when <= DOUBLE_CLICK:
            self._last_click = ("", 0.0)
            for handler in list(self._open_handlers):
                handler(step)
        else:
            self._last_click = (step, now)

    # -- drawing --------------------------------------------------------------------
    def show(self, pipeline: Pipeline, problems: Iterable[Problem] = (),
             stale: dict[str, str] | None = None) -> None:
        """Draw `pipeline`: update in place, append what is new, and rebuild every element
        only when something was removed or renamed. `stale`: the steps the next run would
        run, and why (marked until a run paints its statuses)."""
        with self._lock:
            self.stale = dict(stale or {})
            nodes, edges = elements.build(pipeline, self._statuses, problems, self.stale,
                                          self.data_nodes)
            self._base = {s["data"]["id"]: s["classes"] for s in [*nodes, *edges]}
            names = {n["data"]["id"] for n in nodes}
            links = {e["data"]["id"] for e in edges}
            drawn = names | links
            self._statuses = {k: v for k, v in self._statuses.items() if k in names}
            self._marks = {k: v for k, v in self._marks.items() if k in drawn}
            adj: dict[str, dict[str, int]] = {name: {} for name in names}
            for e in edges:
                row = adj[e["data"]["source"]]
                row[e["data"]["target"]] = row.get(e["data"]["target"], 0) + 1
            layout = layout_for(len(nodes))
            if self.cytoscape_layout != layout:
                self.cytoscape_layout = layout
            if set(self._nodes) <= names and set(self._edges) <= links:
                self._grow(nodes, edges, adj)
                return
            new_nodes = {n["data"]["id"]: Node(data=n["data"], classes=self._classes(n))
                         for n in nodes}
            new_edges = {e["data"]["id"]: Edge(data=e["data"], classes=self._classes(e))
                         for e in edges}
            with self.graph.hold_sync():
                self.graph.nodes = []
                self.graph.edges = []
            with self.graph.hold_sync():
                self.graph.nodes = list(new_nodes.values())
                self.graph.edges = list(new_edges.values())
                self.graph._adj = adj
            # Close replaced widgets one rebuild later, when the front end has long dropped
            # their views, so a long session does not pile up hundreds of dead widgets.
            for old in self._retired:
                old.close()
            self._retired = [*self._nodes.values(), *self._edges.values()]
            self._nodes, self._edges = new_nodes, new_edges

    def _grow(self, nodes: list[dict], edges: list[dict], adj: dict) -> None:
        """Nothing was removed: update the drawn elements in place and append the new ones,
        so the front end creates views for the new elements only."""
        added = False
        for spec, table, make in [*((n, self._nodes, Node) for n in nodes),
                                  *((e, self._edges, Edge) for e in edges)]:
            widget = table.get(spec["data"]["id"])
            if widget is None:
                table[spec["data"]["id"]] = make(data=spec["data"], classes=self._classes(spec))
                added = True
            else:
                self._update(widget, spec)
        if added:
            with self.graph.hold_sync():
                self.graph.nodes = list(self._nodes.values())
                self.graph.edges = list(self._edges.values())
                self.graph._adj = adj

    def _classes(self, spec: dict) -> str:
        marks = self._marks.get(spec["data"]["id"], set())
        return " ".join(sorted({*spec["classes"].split(), *marks}))

    def _update(self, widget, spec: dict) -> None:
        classes = self._classes(spec)
        if dict(widget.data) != spec["data"]:
            widget.data = dict(spec["data"])
        if widget.classes != classes:
            widget.classes = classes

    def _restyle(self, element_id: str) -> None:
        widget = self._nodes.get(element_id) or self._edges.get(element_id)
        if widget is not None:
            base = self._base.get(element_id, "")
            classes = " ".join(sorted({*base.split(), *self._marks.get(element_id, set())}))
            if widget.classes != classes:
                widget.classes = classes

    def mark(self, element_id: str | None, mark: str) -> None:
        """Give the `mark` class (picked, connecting) to one element only (None: to none)."""
        with self._lock:
            for eid, marks in self._marks.items():
                if mark in marks and eid != element_id:
                    marks.discard(mark)
                    self._restyle(eid)
            if element_id is not None:
                self._marks.setdefault(element_id, set()).add(mark)
                self._restyle(element_id)

    def relayout(self) -> None:
        """Compute the layout again (it is never stored)."""
        self.cytoscape_layout = layout_for(len(self._nodes))
        super().relayout()

    # -- status -----------------------------------------------------------------------
    def set_status(self, step: str, status: str) -> None:
        if elements.is_data_node(step):
            return   # data have no run status
        with self._lock:
            self._statuses[step] = status
            node = self._nodes.get(step)
            if node is not None and node.data.get("status") != status:
                node.data = {**node.data, "status": status,
                             "display": display_label(node.data.get("label", step), status)}

    def tick(self, elapsed: dict[str, float], progress: dict[str, str] | None = None) -> None:
        """Running steps show how long they have been running (step -> seconds) and, for
        notebooks, the cell they are in (step -> "cell 2 of 5")."""
        progress = progress or {}
        with self._lock:
            for step, seconds in elapsed.items():
                node = self._nodes.get(step)
                if node is None or node.data.get("status") != Status.RUNNING.value:
                    continue
                shown = display_label(node.data.get("label", step), Status.RUNNING.value)
                shown = f"{shown} {seconds:.0f} s"
                if progress.get(step):
                    shown += f"\n{progress[step]}"
                if node.data.get("display") != shown:
                    node.data = {**node.data, "display": shown}

    def set_statuses(self, statuses: dict[str, str]) -> None:
        with self._lock:
            for name in self.step_ids:
                self.set_status(name, statuses.get(name, Status.NOT_STARTED.value))

    @property
    def statuses(self) -> dict[str, str]:
        return {name: self._nodes[name].data.get("status") for name in self.step_ids}

    @property
    def step_ids(self) -> list[str]:
        """The nodes that are steps (in either view)."""
        return [n for n in self._nodes if not elements.is_data_node(n)]

    # -- reading back (tests, the designer) ---------------------------------------------
    @property
    def node_ids(self) -> list[str]:
        return list(self._nodes)

    @property
    def edge_ids(self) -> list[str]:
        return list(self._edges)

    @property
    def edge_list(self) -> list[tuple[str, str, str]]:
        """(producer, consumer, PipelineData name) of every drawn link."""
        return [(e.data["source"], e.data["target"], e.data["data"]) for e in self._edges.values()]

    def node(self, name: str) -> Node:
        return self._nodes[name]

    def edge(self, element_id: str) -> Edge:
        return self._edges[element_id]

    def element_data(self, kind: str, element_id: str) -> dict:
        """The data of a drawn node ("node") or edge ("edge")."""
        return dict((self._nodes if kind == "node" else self._edges)[element_id].data)

    def link_element(self, producer: str, consumer: str, data: str) -> tuple[str, str]:
        """The element that draws a link in the current view: (kind, id)."""
        if self.data_nodes:
            return "node", elements.DATA_PREFIX + data
        return "edge", elements.edge_id(producer, consumer, data)

    def snapshot(self) -> dict:
        """Everything drawn, without statuses and marks: equal for equal pipelines."""
        return {"nodes": sorted((n.data["id"], n.data["label"], n.data["kind"])
                                for n in self._nodes.values()),
                "edges": sorted(self.edge_list)}
