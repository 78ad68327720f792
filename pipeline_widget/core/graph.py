"""The pipeline graph: who produces and who consumes each PipelineData."""
from __future__ import annotations

import graphlib
from typing import Iterable

from .pipeline_data import PipelineData
from .steps import Step


def collect_steps(steps: Iterable[Step]) -> list[Step]:
    """The listed steps plus, transitively, the producers of their inputs, producers first."""
    found: dict[int, Step] = {}
    todo = list(steps)
    while todo:
        step = todo.pop(0)
        if id(step) in found:
            continue
        found[id(step)] = step
        for data in step.input_data:
            todo.extend(p for p in data.producers if id(p) not in found)
    return stable_order(list(found.values()))


def stable_order(steps: list[Step]) -> list[Step]:
    """Producers before consumers, otherwise as given; as given if there is a cycle."""
    deps = upstream(steps)
    placed: set[str] = set()
    result: list[Step] = []
    pending = list(steps)
    while pending:
        for step in pending:
            if all(d in placed or d == step.name for d in deps[step.name]):
                break
        else:
            return steps  # a cycle: validate() reports it
        pending.remove(step)
        placed.add(step.name)
        result.append(step)
    return result


def all_data(steps: Iterable[Step]) -> list[PipelineData]:
    seen: dict[int, PipelineData] = {}
    for step in steps:
        for d in [*step.outputs, *step.input_data]:
            seen.setdefault(id(d), d)
    return list(seen.values())


def producers(steps: list[Step]) -> dict[int, list[Step]]:
    """id(PipelineData) -> the steps of this pipeline that write it."""
    table: dict[int, list[Step]] = {}
    for step in steps:
        for out in step.outputs:
            table.setdefault(id(out), []).append(step)
    return table


def upstream(steps: list[Step]) -> dict[str, list[str]]:
    """step name -> names of the steps it must wait for."""
    writers = producers(steps)
    deps: dict[str, list[str]] = {}
    for step in steps:
        names = [p.name for d in step.input_data for p in writers.get(id(d), [])]
        deps[step.name] = list(dict.fromkeys(names))
    return deps


def find_cycle(steps: list[Step]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(upstream(steps)).prepare()
    except graphlib.CycleError as err:
        return list(err.args[1])
    return None


def topological_order(steps: list[Step]) -> list[str]:
    return list(graphlib.TopologicalSorter(upstream(steps)).static_order())
