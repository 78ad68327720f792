"""Generated benchmark pipelines: trivial two-cell notebook steps in a few graph shapes.

Each step's notebook has a parameters cell and one cell that writes a small
file into the step's output folder, so the cost measured is the fixed cost of
running a step, not its code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KERNEL = "python3"


@dataclass(frozen=True)
class Shape:
    """A named DAG: step name -> the names of the steps it reads from."""

    name: str
    upstream: dict[str, list[str]]

    @property
    def order(self) -> list[str]:
        """Producers first (the generators below already list steps that way)."""
        return list(self.upstream)

    def __len__(self) -> int:
        return len(self.upstream)


def chain(n: int) -> Shape:
    names = [f"s{i:04d}" for i in range(n)]
    return Shape(f"chain_{n}", {n_: ([names[i - 1]] if i else []) for i, n_ in enumerate(names)})


def fan_out(consumers: int) -> Shape:
    up = {"producer": []}
    up.update({f"consumer{i}": ["producer"] for i in range(consumers)})
    return Shape(f"fan_out_1x{consumers}", up)


def diamond() -> Shape:
    return Shape("diamond_4", {"top": [], "left": ["top"], "right": ["top"], "bottom": ["left", "right"]})


def wide_dag(n: int) -> Shape:
    """A bigger DAG for the file-format benchmark: step i reads steps i-1 and i//2."""
    names = [f"s{i:04d}" for i in range(n)]
    up: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        up[name] = list(dict.fromkeys(names[j] for j in (i - 1, i // 2) if 0 <= j < i))
    return Shape(f"dag_{n}", up)


def out_name(step: str) -> str:
    return f"out_{step}"


def notebook_json(inputs: list[str], output: str) -> dict:
    params = "\n".join([*(f"{n} = None" for n in [*inputs, output]), "i = 0"])
    body = f"import os\nopen(os.path.join({output}, 'data.txt'), 'w').write(str(i))"
    cells = [{"cell_type": "code", "execution_count": None, "id": "params",
              "metadata": {"tags": ["parameters"]}, "outputs": [], "source": params},
             {"cell_type": "code", "execution_count": None, "id": "write", "metadata": {},
              "outputs": [], "source": body}]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": KERNEL, "display_name": "Python 3",
                                        "language": "python"},
                         "language_info": {"name": "python"}}}


def write_notebooks(shape: Shape, folder: Path) -> dict[str, Path]:
    """One notebook per step in `folder`; returns step name -> notebook path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for step, ups in shape.upstream.items():
        path = folder / f"{step}.ipynb"
        path.write_text(json.dumps(notebook_json([out_name(u) for u in ups], out_name(step)),
                                   indent=1))
        paths[step] = path
    return paths


def build_pipeline(shape: Shape, notebooks: dict[str, Path], workspace):
    """The same shape as a pipeline_widget Pipeline (steps with parameter i = their index)."""
    from pipeline_widget import NotebookStep, Pipeline, PipelineData

    data = {step: PipelineData(out_name(step)) for step in shape.upstream}
    steps = [NotebookStep(step, notebooks[step], inputs=[data[u] for u in ups],
                          outputs=[data[step]], parameters={"i": i})
             for i, (step, ups) in enumerate(shape.upstream.items())]
    return Pipeline(workspace, steps, name=shape.name)


def write_project(shape: Shape, project: Path) -> Path:
    """A project folder with the notebooks and `<shape>.pipeline.json`; returns the file."""
    from pipeline_widget import Workspace

    notebooks = write_notebooks(shape, project / "steps")
    pipeline = build_pipeline(shape, notebooks, Workspace(project))
    return pipeline.save(project / f"{shape.name}.pipeline.json")
