"""The canvas elements of a pipeline: one node per step, one labelled edge per PipelineData link.

Pure data (dicts), so tests and the canvas share one definition. Dataset inputs and
PipelineData that no step of the pipeline reads are listed in the step's label, so every
node on the canvas is a step and every edge is a link between two steps.
"""
from __future__ import annotations

from typing import Iterable

from ..core import Problem
from ..core.graph import producers
from ..run import Pipeline
from ..run.status import Status
from .styles import display_label

IN, OUT = "\u21e6", "\u21e8"  # arrows in labels: read from / written to


def edge_id(producer: str, consumer: str, data: str) -> str:
    return f"{producer}->{consumer}:{data}"


def node_label(step, read: set[int]) -> str:
    """The step's name, its dataset inputs and the outputs no step reads (ids in `read`)."""
    lines = [step.name]
    lines += [f"{IN} {ds.name} ({ds.dataset.name or 'dataset'})" for ds in step.named_datasets]
    lines += [f"{OUT} {o.name}" for o in step.outputs if id(o) not in read]
    return "\n".join(lines)


def _mark(name: str, errors: set[str], warnings: set[str]) -> str:
    return "problem" if name in errors else "warning" if name in warnings else ""


def build(pipeline: Pipeline, statuses: dict[str, str] | None = None,
          problems: Iterable[Problem] = (), stale: dict[str, str] | None = None,
          ) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) as cytoscape element dicts with `data` and `classes`. `stale`: the
    steps the next run would run, with why (shown as a mark and in the step's data)."""
    statuses, stale = statuses or {}, stale or {}
    problems = list(problems)
    bad_steps = {s for p in problems if not p.warning for s in p.steps}
    bad_data = {d for p in problems if not p.warning for d in p.data}
    odd_steps = {s for p in problems if p.warning for s in p.steps}
    odd_data = {d for p in problems if p.warning for d in p.data}
    read = {id(d) for s in pipeline.steps for d in s.input_data}
    nodes = []
    for step in pipeline.steps:
        label = node_label(step, read)
        status = statuses.get(step.name, Status.NOT_STARTED.value)
        nodes.append({"data": {"id": step.name, "label": label, "kind": step.kind,
                               "status": status, "display": display_label(label, status),
                               "stale": stale.get(step.name, "")},
                      "classes": _mark(step.name, bad_steps, odd_steps)})
    writers = producers(pipeline.steps)
    edges, seen = [], set()
    for consumer in pipeline.steps:
        for data in consumer.input_data:
            for producer in writers.get(id(data), []):
                eid = edge_id(producer.name, consumer.name, data.name)
                if eid in seen:
                    continue
                seen.add(eid)
                edges.append({"data": {"id": eid, "source": producer.name, "target": consumer.name,
                                       "label": data.name, "data": data.name},
                              "classes": _mark(data.name, bad_data, odd_data)})
    return nodes, edges
