"""The canvas elements of a pipeline, in one of two views.

Steps only (the default): one node per step, one labelled edge per PipelineData link;
dataset inputs and PipelineData that no step reads are listed in the step's label.
Data as nodes: every PipelineData and registered dataset is a node of its own between
its writer and its readers, so what flows where reads at a glance.

Pure data (dicts), so tests and the canvas share one definition. A data node's id starts
with DATA_PREFIX, which no step name may contain ('/'), so ids never collide.
"""
from __future__ import annotations

import graphlib
from typing import Iterable

from ..core import Problem
from ..core.graph import producers
from ..run import Pipeline
from ..run.status import Status
from .styles import display_label

IN, OUT = "\u21e6", "\u21e8"  # arrows in labels: read from / written to


DATA_PREFIX = "data/"       # PipelineData nodes: data/<name>
DATASET_PREFIX = "dataset/"  # registered dataset nodes: dataset/<dataset name>
DATA_KINDS = ("data", "dataset")


def edge_id(producer: str, consumer: str, data: str) -> str:
    return f"{producer}->{consumer}:{data}"


def is_data_node(element_id: str) -> bool:
    return element_id.startswith((DATA_PREFIX, DATASET_PREFIX))


def links_drawn(data: dict) -> list[tuple[str, str, str]]:
    """(producer, consumer, PipelineData name) of each link a canvas element draws: a
    step-to-step edge, an edge to or from a data node, or a data node (one per reader).
    None for what is no link: a dataset, or an output no step reads."""
    name = data.get("data")
    if "producer" not in data:   # a step-to-step edge
        pairs = [(data.get("source"), data.get("target"))]
    elif "readers" in data:      # a data node
        pairs = [(data.get("producer"), r) for r in data["readers"]]
    else:                        # an edge to or from a data node
        pairs = [(data.get("producer"), data.get("consumer"))]
    return [(str(a), str(b), str(name)) for a, b in pairs if a and b and name]


def node_label(step, read: set[int], data_nodes: bool = False) -> str:
    """The step's name, its dataset inputs and the outputs no step reads (ids in `read`);
    the name alone when data are nodes of their own."""
    lines = [step.name]
    if data_nodes:
        return step.name
    lines += [f"{IN} {ds.name} ({ds.dataset.name or 'dataset'})" for ds in step.named_datasets]
    lines += [f"{OUT} {o.name}" for o in step.outputs if id(o) not in read]
    return "\n".join(lines)


def _mark(name: str, errors: set[str], warnings: set[str]) -> str:
    return "problem" if name in errors else "warning" if name in warnings else ""


def build(pipeline: Pipeline, statuses: dict[str, str] | None = None,
          problems: Iterable[Problem] = (), stale: dict[str, str] | None = None,
          data_nodes: bool = False) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) as cytoscape element dicts with `data` and `classes`. `stale`: the
    steps the next run would run, with why (shown as a mark and in the step's data).
    `data_nodes`: draw PipelineData and datasets as nodes of their own."""
    statuses, stale = statuses or {}, stale or {}
    problems = list(problems)
    bad_steps = {s for p in problems if not p.warning for s in p.steps}
    bad_data = {d for p in problems if not p.warning for d in p.data}
    odd_steps = {s for p in problems if p.warning for s in p.steps}
    odd_data = {d for p in problems if p.warning for d in p.data}
    read = {id(d) for s in pipeline.steps for d in s.input_data}
    nodes = []
    for step in pipeline.steps:
        label = node_label(step, read, data_nodes)
        status = statuses.get(step.name, Status.NOT_STARTED.value)
        nodes.append({"data": {"id": step.name, "label": label, "kind": step.kind,
                               "status": status, "display": display_label(label, status),
                               "stale": stale.get(step.name, "")},
                      "classes": _mark(step.name, bad_steps, odd_steps)})
    writers = producers(pipeline.steps)
    if data_nodes:
        more_nodes, edges = _data_elements(pipeline, writers, bad_data, odd_data)
        return nodes + more_nodes, _bow_skips(edges)
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
    return nodes, _bow_skips(edges)


def _bow_skips(edges: list[dict]) -> list[dict]:
    """Give the class `skip` to each edge that spans more than one rank: drawn straight it
    would run through the nodes between its ends and hide its label behind them."""
    upstream: dict[str, set[str]] = {}
    for e in edges:
        upstream.setdefault(e["data"]["target"], set()).add(e["data"]["source"])
    try:
        order = list(graphlib.TopologicalSorter(upstream).static_order())
    except graphlib.CycleError:
        return edges   # a problem the list names; nothing to bow
    rank: dict[str, int] = {}
    for node in order:
        rank[node] = 1 + max((rank[u] for u in upstream.get(node, ())), default=-1)
    for e in edges:
        if rank[e["data"]["target"]] - rank[e["data"]["source"]] > 1:
            e["classes"] = " ".join(c for c in (e["classes"], "skip") if c)
    return edges


def _data_elements(pipeline: Pipeline, writers: dict, bad: set[str], odd: set[str],
                   ) -> tuple[list[dict], list[dict]]:
    """Data nodes, with an edge from each writer and one to each reader (labelled with the
    name the reader gets, for a dataset read under another name)."""
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}

    def node(nid: str, label: str, kind: str, mark: str, **extra) -> None:
        if nid not in nodes:
            nodes[nid] = {"data": {"id": nid, "label": label, "display": label, "kind": kind,
                                   "status": "", "stale": "", **extra}, "classes": " ".join(
                                       c for c in (kind, mark) if c)}

    def edge(source: str, target: str, name: str, label: str, producer: str,
             consumer: str, **extra) -> None:
        eid = f"{source}->{target}"
        edges.setdefault(eid, {"data": {"id": eid, "source": source, "target": target,
                                        "label": label, "data": name, "producer": producer,
                                        "consumer": consumer, **extra},
                               "classes": _mark(name, bad, odd)})

    readers: dict[int, list[str]] = {}
    for step in pipeline.steps:
        for data in step.input_data:
            readers.setdefault(id(data), []).append(step.name)
    for step in pipeline.steps:
        for data in step.outputs:
            nid = DATA_PREFIX + data.name
            node(nid, data.name, "data", _mark(data.name, bad, odd), producer=step.name,
                 readers=readers.get(id(data), []), data=data.name)
            # the writer's edge stands for the data: every link to its readers
            edge(step.name, nid, data.name, "", step.name, "", readers=readers.get(id(data), []))
        for data in step.input_data:
            nid = DATA_PREFIX + data.name
            writer = (writers.get(id(data)) or [None])[0]
            producer = writer.name if writer else ""
            node(nid, data.name, "data", _mark(data.name, bad, odd), producer=producer,
                 readers=readers.get(id(data), []), data=data.name)
            edge(nid, step.name, data.name, "", producer, step.name)
        for named in step.named_datasets:
            dataset = named.dataset.name or named.name
            nid = DATASET_PREFIX + dataset
            node(nid, f"{dataset}\n(dataset)", "dataset", "", readers=[], producer="",
                 consumer=step.name, data="")   # its first reader: where it is edited
            edge(nid, step.name, "", named.name if named.name != dataset else "", "", step.name)
    return list(nodes.values()), list(edges.values())
