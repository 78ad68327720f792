"""Removing what is selected on the canvas: a step with its links, or a link (in either
view: an edge, or a data node with all its links)."""
from __future__ import annotations

from typing import Any, Callable

from ..core import editing
from ..run import Pipeline
from .canvas import PipelineCanvas
from .elements import is_data_node, links_drawn


def remove(pipeline: Pipeline, canvas: PipelineCanvas, selected: tuple[str, str] | None,
           edit: Callable[[str, Callable[[], Any]], bool],
           say: Callable[..., None]) -> str | None:
    """Remove the selection through `edit` (all or nothing); returns what was removed, in
    words, or None when nothing was (with the reason said)."""
    if not selected:
        say("click a step or a link to remove first", error=True)
        return None
    kind, eid = selected
    if kind == "node" and not is_data_node(eid):
        readers = [s.name for s in pipeline.steps
                   if any(i.producers == [pipeline.step(eid)] for i in s.input_data)]
        if not edit(f"remove step {eid!r}", lambda: editing.remove_step(pipeline, eid)):
            return None
        return f"step {eid!r}" + (
            f"; {', '.join(map(repr, readers))} now read data that no step writes: link a "
            f"step that writes it, or drop it in the step's panel" if readers else "")
    links = links_drawn(canvas.element_data(kind, eid))
    if not links:
        say("this is no link between steps: remove a dataset input or an output in its "
            "step's panel, or remove the step", error=True)
        return None
    name = links[0][2]

    def remove_links() -> None:
        for producer, consumer, data in links:
            editing.remove_link(pipeline, producer, consumer, data)

    if not edit(f"remove link {name!r}", remove_links):
        return None
    return f"link {name!r} from {links[0][0]!r} to {', '.join(repr(c) for _, c, _ in links)}"
