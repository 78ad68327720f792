"""Adding steps: one button per notebook or script of the steps folder (a click adds it), a
field for any other path, the name to give it, and whether it follows the selected step (a
link by the name both ends can use, see edits.link_name)."""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..core import PipelineError, editing
from ..core.steps import COMMANDS, Step, kinds
from ..run import Pipeline
from . import edits
from .controls import button
from .elements import is_data_node

MAX_BUTTONS = 24


def source_suffixes() -> tuple[str, ...]:
    """Files that become a step when clicked: each kind's source suffix (the registry) and
    the programs a command step runs (`.sh`, `.R`)."""
    return tuple(dict.fromkeys([*(k.suffix for k in kinds().values() if k.suffix), *COMMANDS]))


def kinds_without_source() -> list[type[Step]]:
    """Kinds whose step is made from a line of text (a command), not from a file."""
    return [k for k in kinds().values() if not k.suffix and k.required_fields]


class StepPalette(w.VBox):
    def __init__(self, pipeline: Callable[[], Pipeline], steps_dir: Path,
                 edit: Callable[[str, Callable[[], Any]], bool], say: Callable[..., None],
                 selected: Callable[[], tuple[str, str] | None],
                 select: Callable[[tuple[str, str]], None]) -> None:
        super().__init__()
        self.add_class("pw-palette")
        self._pipeline, self._edit, self._say = pipeline, edit, say
        self._selected, self._select = selected, select
        self.steps_dir = steps_dir
        self.buttons = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        # synced when left, not per keystroke: a click right after typing sees all of it
        self.path = w.Text(placeholder="or any path to a .ipynb / .py, or a command line",
                           continuous_update=False, layout=w.Layout(width="280px"))
        self.path.add_class("pw-step-path")
        self.name = w.Text(description="name", placeholder="e.g. train model",
                           continuous_update=False, layout=w.Layout(width="220px"))
        self.name.add_class("pw-step-name")
        self.after = w.Checkbox(value=True, indent=False, description="after the selected step",
                                layout=w.Layout(width="auto"))
        self.after.add_class("pw-add-after")
        self.add_button = button("Add step", "pw-add-step", self.add, icon="plus")
        # one button per kind made from text: the path field holds its command line
        self.kind_buttons = {
            k.kind: button(f"Add {k.noun}", f"pw-add-{k.kind.replace('_', '-')}",
                           partial(self.add_kind, k), icon="terminal",
                           tooltip=f"a {k.noun} step: type its {k.required_fields[0]} in the "
                                   f"field ({_example(k)})", layout=w.Layout(width="auto"))
            for k in kinds_without_source()}
        self.children = [self.buttons,
                         w.HBox([self.path, self.name, self.add_button,
                                 *self.kind_buttons.values(), self.after],
                                layout=w.Layout(flex_flow="row wrap"))]
        self.refresh()

    def sources(self) -> list[Path]:
        if not self.steps_dir.is_dir():
            return []
        return sorted(p for p in self.steps_dir.iterdir()
                      if p.suffix in source_suffixes() and p.is_file())

    def refresh(self) -> None:
        """One button per source now in the steps folder; the checkbox names the step a new
        one would follow."""
        files = self.sources()
        if [b.tooltip for b in self.buttons.children] != [str(f) for f in files[:MAX_BUTTONS]]:
            buttons = []
            for f in files[:MAX_BUTTONS]:
                icon = {".ipynb": "book", ".py": "file-code-o"}.get(f.suffix, "terminal")
                buttons.append(button(f.name, "pw-add-source", partial(self.add, f), icon=icon,
                                      tooltip=str(f), layout=w.Layout(width="auto")))
            label = w.HTML(f"<b>add a step</b> from <code>{self.steps_dir.name}/</code>:"
                           if files else f"<i>no notebook or script in {self.steps_dir}</i>")
            self.buttons.children = [label, *buttons]
        after = self._selected_step()
        self.after.description = f"after '{after}'" if after else "after the selected step"

    def _selected_step(self) -> str | None:
        """The selected step, if a step (not a link or data) is selected."""
        picked = self._selected()
        return picked[1] if picked and picked[0] == "node" and not is_data_node(picked[1]) \
            else None

    def add(self, source: str | os.PathLike | None = None, name: str | None = None) -> bool:
        """Add a step for `source` (or the path typed), named as typed (or after its file),
        linked after the selected step when that box is ticked."""
        source = source or self.path.value.strip()
        if not source:
            self._say("click a notebook or script above, or type a path", error=True)
            return False
        name = (name if name is not None else self.name.value).strip() or \
            self.suggest_name(Path(source))
        pipeline = self._pipeline()
        return self._add(name, lambda: editing.add_step(pipeline, source, name))

    def add_kind(self, kind: type[Step], text: str | None = None,
                 name: str | None = None) -> bool:
        """Add a step of a kind made from text (a command line: typed in the path field),
        run in the steps folder; linked after the selected step as `add` links."""
        text = (text if text is not None else self.path.value).strip()
        field = kind.required_fields[0]
        if not text:
            self._say(f"type the {kind.noun}'s {field} in the field first: {_example(kind)}",
                      error=True)
            return False
        name = (name if name is not None else self.name.value).strip() or \
            self.suggest_name(_named_file(text))
        pipeline = self._pipeline()
        fields: dict[str, Any] = {"type": kind.kind, "name": name, field: text}
        if "source_directory" in kind.fields_schema:
            fields["source_directory"] = str(self.steps_dir)
        common: dict[str, Any] = dict(name=name, inputs=[], outputs=[], allow_reuse=True,
                                      timeout=None, retries=None, dependencies=[],
                                      environment=None)

        def make() -> None:
            if any(s.name == name for s in pipeline.steps):
                raise PipelineError(f"there is already a step named {name!r}; choose another "
                                    f"name")
            pipeline.steps.append(kind.from_fields(fields, common, Path, None))
        return self._add(name, make)

    def _add(self, name: str, make: Callable[[], Any]) -> bool:
        after = self._selected_step() if self.after.value else None
        linked: list[str] = []
        pipeline = self._pipeline()

        def add() -> None:
            make()
            if after is not None and after in {s.name for s in pipeline.steps}:
                data = edits.link_name(pipeline, after, name)
                editing.connect(pipeline, after, name, data)
                passed = edits.pass_output(pipeline, after, data)
                linked.append(f"; it reads {data!r} from {after!r}" +
                              (f" (passed to it as {passed})" if passed else ""))
                linked.extend(f"; and {d!r} from {w!r}"
                              for w, d in edits.read_by_name(pipeline, name))
        if not self._edit(f"add step {name!r}", add):
            return False
        self._say(f"added step {name!r}{''.join(linked)}")
        self.name.value = ""
        self.path.value = ""
        self._select(("node", name))
        return True

    def suggest_name(self, source: Path) -> str:
        base = source.stem.replace("_", " ").strip() or "step"
        taken = {s.name for s in self._pipeline().steps}
        name, n = base, 2
        while name in taken:
            name, n = f"{base} {n}", n + 1
        return name


def guess_steps_dir(pipeline: Pipeline) -> Path:
    """The first step's folder; else a `steps/` folder here or at the project's root."""
    for step in pipeline.steps:
        return step.source.parent
    for folder in (Path("steps").absolute(), pipeline.workspace.path / "steps"):
        if folder.is_dir():
            return folder
    return Path.cwd()


def _example(kind: type[Step]) -> str:
    """What the kind's first required field is, from its schema's description."""
    field = kind.required_fields[0]
    return kind.fields_schema.get(field, {}).get("description", "") or field


def _named_file(text: str) -> Path:
    """The file a command line names (`report.R` in `Rscript report.R --out {x}`), for a
    step's default name; else its program."""
    tokens = text.split()
    return Path(next((t for t in tokens[1:] if "." in t and "{" not in t
                      and not t.startswith("-")), tokens[0]))
