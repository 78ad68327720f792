"""Drawing links by clicks (ipycytoscape has no drag-to-connect): select the producer,
press Connect, click the consumer. The PipelineData's name comes from the data field, where
a default is offered when Connect is pressed."""
from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w

from ..core import editing
from ..core.names import identifier_problem
from ..run import Pipeline
from . import edits
from .canvas import PipelineCanvas
from .controls import button
from .elements import is_data_node


class LinkTool:
    def __init__(self, pipeline: Callable[[], Pipeline], canvas: PipelineCanvas,
                 edit: Callable[[str, Callable[[], Any]], bool], say: Callable[..., None],
                 selected: Callable[[], tuple[str, str] | None]) -> None:
        self._pipeline, self._canvas, self._edit, self._say = pipeline, canvas, edit, say
        self._selected = selected
        self.producer: str | None = None   # set between the Connect press and the consumer click
        self._offered = ""                 # the name last put in the field by us
        self._by_person = False            # the field holds what the person typed
        self._quiet = False                # we are changing the field ourselves
        self._complained = False           # the message line shows our name-rule error
        self.button = button("Connect", "pw-connect", self.toggle, icon="link")
        self.data_name = w.Text(description="data", placeholder="PipelineData name",
                                layout=w.Layout(width="220px"))
        self.data_name.add_class("pw-data-name")
        self.data_name.observe(self._typed, "value")

    def toggle(self) -> None:
        """First press: the selected step becomes the producer; a second press cancels."""
        if self.producer is not None:
            self.cancel()
            self._say("connect canceled")
            return
        selected = self._selected()
        if not selected or selected[0] != "node":
            self._say("click the step that writes the data first, then press Connect",
                      error=True)
            return
        if is_data_node(selected[1]):   # data drawn as a node: one more reader of it
            data = self._canvas.node(selected[1]).data
            if not data.get("producer"):
                self._say("no step writes this; click the step that writes the data first, "
                          "then press Connect", error=True)
                return
            self.producer = str(data["producer"])
            self._canvas.mark(selected[1], "connecting")
            self._offered = str(data["data"])
            self._set_field(self._offered)
        else:
            self.producer = selected[1]
            self._canvas.mark(self.producer, "connecting")
            if not self._by_person or not self.data_name.value.strip():
                self._offered = edits.default_data_name(self._pipeline(), self.producer)
                self._set_field(self._offered)
        self._say(f"now click the step that reads {self.data_name.value.strip()!r} from "
                  f"{self.producer!r} (press Connect again to cancel)")

    def cancel(self) -> None:
        self.producer = None
        self._canvas.mark(None, "connecting")

    def consumer_clicked(self, consumer: str) -> bool:
        """The click that ends a Connect; False when no Connect is under way."""
        if self.producer is None:
            return False
        producer = self.producer
        self.cancel()
        typed = self.data_name.value.strip()
        existing = {o.name for o in self._pipeline().step(producer).outputs}
        if not typed or not (self._by_person or typed in existing):
            # a name we made up: now that both ends are known, one both can use
            typed = edits.link_name(self._pipeline(), producer, consumer)
        if not self.connect(producer, consumer, typed):
            self._set_field("")                # a refused name is not offered again
        return True

    def _set_field(self, text: str) -> None:
        self._quiet = True
        try:
            self.data_name.value = text
        finally:
            self._quiet = False
        self._by_person = False

    def dragged(self, source: str, target: str) -> bool:
        """A node dragged onto another: link them, the data name guessed as Connect guesses
        it once both ends are known (from a data node: one more reader of that data)."""
        self.cancel()
        if is_data_node(target):
            self._say("drop it on the step that reads the data: a link ends on a step",
                      error=True)
            return False
        if is_data_node(source):
            data = self._canvas.node(source).data
            if not data.get("producer"):
                self._say("no step writes this data yet: drag from the step that writes it",
                          error=True)
                return False
            return self.connect(str(data["producer"]), target, str(data["data"]))
        return self.connect(source, target, edits.link_name(self._pipeline(), source, target))

    def connect(self, producer: str, consumer: str, data_name: str | None = None) -> bool:
        """Link two steps by a PipelineData (the producer's own if it has one by that name)."""
        data_name = data_name or edits.default_data_name(self._pipeline(), producer)
        passed: list[str | None] = []

        def link() -> None:
            editing.connect(self._pipeline(), producer, consumer, data_name)
            passed.append(edits.pass_output(self._pipeline(), producer, data_name))
        if self._edit(f"connect {producer!r} -> {consumer!r}", link):
            self._by_person = False   # the next Connect offers a fresh default
            how = f" (passed to it as {passed[0]})" if passed and passed[0] else ""
            self._say(f"{consumer!r} now reads PipelineData {data_name!r} written by "
                      f"{producer!r}{how}")
            return True
        return False

    def _typed(self, change) -> None:
        """The name rule, checked as the person types."""
        if self._quiet:
            return
        text = change["new"].strip()
        self._by_person = bool(text)
        problem = identifier_problem(text, "PipelineData") if text else None
        if problem:
            self._say(problem, error=True)
        elif self._complained:
            self._say("")
        self._complained = bool(problem)
