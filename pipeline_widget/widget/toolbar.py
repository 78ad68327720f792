"""The designer's edit toolbar: Connect (with the data name), Remove, Undo, Redo, Validate,
Refresh, Layout, Data as nodes and Clear, one row above the canvas."""
from __future__ import annotations

from typing import Callable

import ipywidgets as w

from .controls import button
from .links import LinkTool

Action = Callable[[], object]


class EditToolbar(w.HBox):
    """links: the Connect tool (its button and data name field come first); the actions
    are the designer's; `on_data_nodes(on)` switches the data-as-nodes view."""

    def __init__(self, links: LinkTool, remove: Action, undo: Action, redo: Action,
                 validate: Action, refresh: Action, relayout: Action, clear: Action,
                 data_nodes: bool, on_data_nodes: Callable[[bool], None]) -> None:
        super().__init__(layout=w.Layout(flex_flow="row wrap"))
        self.remove_button = button("Remove", "pw-remove", remove, icon="trash")
        self.undo_button = button("Undo", "pw-undo", undo, icon="undo")
        self.redo_button = button("Redo", "pw-redo", redo, icon="repeat")
        self.validate_button = button("Validate", "pw-validate", validate, icon="check")
        self.refresh_button = button("Refresh", "pw-refresh", refresh, icon="refresh")
        self.relayout_button = button("Layout", "pw-relayout", relayout, icon="sitemap")
        self.clear_button = button("Clear", "pw-clear", clear, icon="eraser")
        self.data_nodes_toggle = w.ToggleButton(
            description="Data as nodes", icon="database", value=data_nodes,
            tooltip="draw each PipelineData and dataset as a node of its own")
        self.data_nodes_toggle.add_class("pw-data-nodes")
        self.data_nodes_toggle.observe(lambda c: on_data_nodes(c["new"]), "value")
        self.children = [links.button, links.data_name, self.remove_button, self.undo_button,
                         self.redo_button, self.validate_button, self.refresh_button,
                         self.relayout_button, self.data_nodes_toggle, self.clear_button]
