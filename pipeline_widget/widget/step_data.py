"""The data rows of a step's panel: a named dataset input (a registered dataset, or a file or
folder of the project, registered on the way), an output no step reads (a report, a model),
and inputs whose producer was removed. Every change goes through the designer's edit."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import Dataset, PipelineError, editing
from ..core.names import suggest_identifier
from ..core.workspace import Workspace
from ..run import Pipeline
from . import edits
from .controls import button

Edit = Callable[[str, Callable[[], Any]], bool]
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".txt")
DATA_FOLDERS = ("data", "datasets", "inputs")
MAX_FILES = 50
REGISTER = "file:"    # an option's value prefix: a project file, registered when added


def project_data_files(ws: Workspace) -> list[str]:
    """Data files in the project's data folders (`data/` and the like), relative to it."""
    found: list[str] = []
    for folder in DATA_FOLDERS:
        root = ws.path / folder
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found += [os.path.relpath(Path(dirpath) / f, ws.path) for f in sorted(filenames)
                      if f.endswith(DATA_SUFFIXES)]
            if len(found) >= MAX_FILES:
                return found[:MAX_FILES]
    return found


def dataset_options(ws: Workspace) -> list[tuple[str, str]]:
    """Registered datasets, then the project's data files not registered yet."""
    registered = ws.datasets
    paths = {ws.relative(d.path) for d in registered.values() if getattr(d, "path", None)}
    options = [(f"{name} (registered)", name) for name in sorted(registered)]
    options += [(f"{rel} (register it)", REGISTER + rel) for rel in project_data_files(ws)
                if rel not in paths]
    return options


def registered(ws: Workspace, choice: str) -> Dataset:
    """The dataset an option stands for, registering a project file under its stem's name."""
    if not choice.startswith(REGISTER):
        return Dataset.get_by_name(ws, choice)
    path = ws.absolute(choice[len(REGISTER):])
    taken = ws.datasets
    name, n = suggest_identifier(path.stem) or "data", 2
    base = name
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    factory = Dataset.Tabular.from_delimited_files if path.suffix in (".csv", ".tsv") \
        else Dataset.File.from_files
    return factory(str(path)).register(ws, name)


class StepData(w.VBox):
    def __init__(self, pipeline: Callable[[], Pipeline], edit: Edit,
                 say: Callable[..., None]) -> None:
        super().__init__()
        self._pipeline, self._edit, self._say = pipeline, edit, say
        self.step_name: str | None = None
        self.dataset_pick = w.Dropdown(description="dataset", options=[],
                                       layout=w.Layout(width="95%"))
        self.dataset_pick.add_class("pw-dataset")
        self.dataset_as = w.Text(description="as", placeholder="e.g. raw_data",
                                 continuous_update=False,
                                 layout=w.Layout(width="60%"))
        self.dataset_as.add_class("pw-dataset-as")
        self.dataset_add = button("Add dataset input", "pw-add-dataset", self.add_dataset,
                                  icon="database", layout=w.Layout(width="auto"))
        self.output_name = w.Combobox(description="output", placeholder="a folder name",
                                      ensure_option=False, continuous_update=False,
                                      layout=w.Layout(width="60%"))
        self.output_name.add_class("pw-output-name")
        self.output_add = button("Add output", "pw-add-output", self.add_output,
                                 icon="plus-square", layout=w.Layout(width="auto"))
        self.drop_unwritten = button("Drop them", "pw-drop-unwritten", self.drop, icon="times")

    def show(self, name: str) -> None:
        """The rows for step `name`; typed text is kept while the same step is shown."""
        pipeline = self._pipeline()
        if self.step_name != name:
            self.dataset_as.value = edits.dataset_input_guess(pipeline, name)
            self.output_name.value = ""
        self.step_name = name
        options = dataset_options(pipeline.workspace)
        if tuple(self.dataset_pick.options) != tuple(options):
            current = self.dataset_pick.value
            self.dataset_pick.options = options
            values = [v for _, v in options]
            if values:
                self.dataset_pick.value = current if current in values else values[0]
        suggestions = edits.output_suggestions(pipeline, name)
        self.output_name.options = suggestions
        if not self.output_name.value and suggestions:
            self.output_name.value = suggestions[0]
        rows: list[w.Widget] = [w.HTML("<b>inputs and outputs</b>")]
        unwritten = [i.name for i in editing.unwritten_inputs(pipeline, name)]
        if unwritten:
            rows.append(w.HBox([w.HTML(f"<span style='color:#b00'>reads {', '.join(unwritten)}, "
                                       f"which no step writes: link a step that writes it, "
                                       f"or</span>"), self.drop_unwritten],
                               layout=w.Layout(flex_flow="row wrap")))
        if options:
            rows += [self.dataset_pick,
                     w.HBox([self.dataset_as, self.dataset_add],
                            layout=w.Layout(flex_flow="row wrap"))]
        rows.append(w.HBox([self.output_name, self.output_add],
                           layout=w.Layout(flex_flow="row wrap")))
        self.children = rows

    def add_dataset(self) -> bool:
        choice = self.dataset_pick.value
        if not self.step_name or not choice:
            self._say("pick a dataset, or put a data file in the project's data/ folder",
                      error=True)
            return False
        name, pipeline = self.step_name, self._pipeline()
        try:
            dataset = registered(pipeline.workspace, choice)
        except (PipelineError, OSError) as err:
            self._say(f"could not register {choice[len(REGISTER):]}: {err}", error=True)
            return False
        as_name = self.dataset_as.value.strip() or dataset.name or "data"
        if self._edit(f"dataset input {as_name!r}", lambda: editing.add_dataset_input(
                pipeline, name, dataset, as_name)):
            self._say(f"step {name!r} reads dataset {dataset.name!r} as {as_name!r}")
            return True
        return False

    def add_output(self) -> bool:
        data_name = self.output_name.value.strip()
        if not self.step_name or not data_name:
            self._say("type the output's name (a folder the step writes into)", error=True)
            return False
        name, pipeline = self.step_name, self._pipeline()
        passed: list[str] = []

        def add() -> None:
            editing.add_output(pipeline, name, data_name)
            passed.append(edits.pass_output(pipeline, name, data_name) or "")
        if self._edit(f"output {data_name!r} of {name!r}", add):
            how = f", passed as {passed[0]}" if passed and passed[0] else ""
            self._say(f"step {name!r} writes PipelineData {data_name!r}{how}; it is kept with "
                      f"each run of the step")
            self.output_name.value = ""
            return True
        return False

    def drop(self) -> bool:
        if not self.step_name:
            return False
        name, pipeline = self.step_name, self._pipeline()
        return self._edit(f"drop unwritten inputs of {name!r}",
                          lambda: editing.drop_unwritten_inputs(pipeline, name))
