"""The designer as a JupyterLab document: the Python side of the `pipeline-widget` extension.

The extension opens a `*.pipeline.json` in a tab, starts a kernel session for it and runs
`open_document(name, server_path, text)` there (the kernel's folder is the file's). That shows
a PipelineDesigner for the document and opens a comm (target COMM_TARGET) over which both
sides keep the document's text in step. The document, not the designer, owns the file: the
designer's edits change the document's text (the tab is then unsaved) and Ctrl+S writes it.

Another tool's file (an Elyra `.pipeline`) is read through its importer and never written:
edits only mark the tab unsaved ({"dirty": true}), and saving writes `NAME.pipeline.json`
beside it, which then opens in a tab of its own.

Messages, kernel -> page:
  {"text": str}        the text the file would hold, after every change of the pipeline
  {"dirty": true}      another tool's file has edits that saving writes beside it
  {"text": str, "initial": true}   an empty file's text: the empty pipeline it stands for,
                       which is no edit (the tab stays saved)
  {"save": true}       the designer's Save was pressed: save the document
  {"open": str}        open this file (a path from the server's root) in a tab
Messages, page -> kernel:
  {"text": str}        the document's text changed elsewhere (reverted, edited in another
                       view, changed on disk): show it
  {"key": "undo" | "redo" | "delete" | "escape"}   a key pressed in the tab
  {"saved": str}       the document was saved (the path from the server's root)
  {"drop": str}        a file (path from the server's root) dropped on the designer
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from ..core import PipelineError, jsonfiles
from ..core.fileformat import default_name
from ..core.pipeline import OTHER_TOOLS_SUFFIXES
from ..interop import open_pipeline
from ..run import Pipeline
from .designer import PipelineDesigner

COMM_TARGET = "pipeline-widget:document"
Send = Callable[[dict[str, Any]], None]


def pipeline_text(pipeline: Pipeline, path: Path) -> str:
    """What `pipeline.save(path)` would write."""
    return jsonfiles.dumps(pipeline.to_dict(path.parent))


def parse_pipeline(text: str, path: Path, workspace=None) -> Pipeline:
    """The pipeline a document's text holds; an empty text is a new, empty pipeline."""
    if not text.strip():
        pipeline = Pipeline(workspace=workspace, steps=[], name=default_name(path))
    else:
        try:
            data = jsonfiles.loads(text)
        except ValueError as err:
            raise PipelineError(f"{path.name} is not valid JSON ({err}); fix it in the "
                                f"editor (Open With > Editor) or revert the file") from None
        if isinstance(data, dict) and not data.get("name"):
            data = {**data, "name": default_name(path)}
        pipeline = Pipeline.from_dict(data, workspace, path.parent, source=path.name)
    pipeline.path = path
    return pipeline


class DesignerDocument:
    """A designer bound to a document: its edits become the document's text, the
    document's text (opened, reverted, edited elsewhere) becomes its pipeline.

    path: the file, as the kernel sees it. server_path: the same file from the server's
    root (to translate paths the page sends). send: delivers a message to the page.
    """

    def __init__(self, path: str | os.PathLike, server_path: str, text: str,
                 send: Send, **designer_options: Any) -> None:
        self.path = Path(path).absolute()
        self.server_path = PurePosixPath(server_path)
        self.root = self.path.parents[len(self.server_path.parts) - 1]
        self._send = send
        self._showing = False
        self.other_tool = self.path.suffix in OTHER_TOOLS_SUFFIXES
        problem, notes = None, list[str]()
        try:
            pipeline = (open_pipeline(self.path, notes=notes) if self.other_tool
                        else parse_pipeline(text, self.path))
        except PipelineError as err:
            pipeline, problem = parse_pipeline("", self.path), str(err)
        # where saving writes: the file itself, or NAME.pipeline.json beside another tool's
        self.target = pipeline.path if self.other_tool and pipeline.path else self.path
        # The document's text as last known here, and the designer's pipeline as text when
        # it last matched the document: a file written by another version of the format
        # stays as it is (and the tab saved) until the first edit.
        self.document_text = text
        self.model_text = pipeline_text(pipeline, self.path)
        if not pipeline.steps:
            designer_options.setdefault("steps_dir", self.steps_folder())
        self.designer = PipelineDesigner(pipeline=pipeline, **designer_options)
        self.designer.add_class("pw-document")
        self.designer.canvas.user_zooming_enabled = True
        self._lay_out()
        self.designer.save_handler = lambda: self._send({"save": True})
        self.designer.on_change(self._changed)
        self.designer.canvas.on_open(self.open_step)
        if problem:
            self.designer.say(problem, error=True)
        elif notes:
            self.designer.say(notes[-1])
        elif not text.strip() and not self.other_tool:
            self.document_text = self.model_text
            self._send({"text": self.model_text, "initial": True})   # a new file

    def _lay_out(self) -> None:
        """In a tab: Run and Cancel join the toolbar rows above the canvas (no scrolling to
        run), and the canvas takes the tab's height less those rows (never below 440 px).
        The row of the canvas and the properties panel is named for the page, which puts a
        handle between them (resize, collapse)."""
        designer, runs = self.designer, self.designer.runs_panel
        run_row = runs.children[0]
        runs.children = runs.children[1:]
        first = list(designer.children)
        at = first.index(designer.toolbar) + 1
        designer.children = [*first[:at], run_row, *first[at:]]
        designer.canvas.layout.height = "max(440px, calc(100vh - 370px))"
        for row in designer.children:
            parts: list[Any] = list(getattr(row, "children", ()))
            if len(parts) == 2 and designer.canvas in getattr(parts[0], "children", ()):
                row.add_class("pw-canvas-row")
                parts[0].add_class("pw-canvas-box")
                parts[1].add_class("pw-side")

    def steps_folder(self) -> Path:
        """Where a new pipeline's steps are offered from: the nearest `steps/` folder at or
        above the file's, up to the server's root; else the file's folder."""
        folder = self.path.parent
        while True:
            if (folder / "steps").is_dir():
                return folder / "steps"
            if folder == self.root or folder.parent == folder:
                return self.path.parent
            folder = folder.parent

    @property
    def text(self) -> str:
        """The text the file would hold if saved now."""
        return self.model_text

    # -- kernel -> page ------------------------------------------------------------------------
    def _changed(self) -> None:
        if self.designer.pipeline.path is None:
            self.designer.pipeline.path = self.target
        if self.other_tool:
            if not self._showing:
                self._send({"dirty": True})
            return
        text = pipeline_text(self.designer.pipeline, self.path)
        if text != self.model_text:
            self.model_text = self.document_text = text
            self._send({"text": text})

    def open_step(self, step: str) -> None:
        """Open the step's notebook or script in a tab of its own."""
        try:
            source = self.designer.pipeline.step(step).source
        except (PipelineError, KeyError):
            return
        relative = self.from_root(source)
        if relative is None:
            self.designer.say(f"{source} is outside the folder JupyterLab serves; open it "
                              f"from a terminal", error=True)
            return
        self._send({"open": relative})
        self.designer.say(f"opened {relative}")

    def from_root(self, path: Path) -> str | None:
        try:
            return Path(path).absolute().relative_to(self.root).as_posix()
        except ValueError:
            return None

    # -- page -> kernel ------------------------------------------------------------------------
    def received(self, data: dict[str, Any]) -> None:
        """A message from the page (see the module's docstring)."""
        if "text" in data:
            self.show_text(str(data["text"]))
        elif "key" in data:
            self.key(str(data["key"]))
        elif "saved" in data and self.other_tool:
            self.save_beside()
        elif "saved" in data:
            self.designer.say(f"saved {PurePosixPath(str(data['saved'])).name}")
        elif "drop" in data:
            self.drop(str(data["drop"]))

    def save_beside(self) -> None:
        """Another tool's file: write the pipeline to NAME.pipeline.json beside it (the
        other tool's file stays as it is), and open that in a tab of its own."""
        try:
            saved = self.designer.pipeline.save(self.target)
        except PipelineError as err:
            self.designer.say(str(err), error=True)
            return
        self.designer.say(f"saved {saved.name} beside {self.path.name} (which stays as it "
                          f"was); it opens in a tab of its own")
        relative = self.from_root(saved)
        if relative is not None:
            self._send({"open": relative})

    def show_text(self, text: str) -> None:
        """The document's text changed outside the designer: show that pipeline."""
        if text == self.document_text:
            return
        self.document_text = text
        try:
            pipeline = (open_pipeline(self.path, self.designer.workspace) if self.other_tool
                        else parse_pipeline(text, self.path, self.designer.workspace))
        except PipelineError as err:
            self.designer.say(str(err), error=True)
            return
        self.model_text = pipeline_text(pipeline, self.path)
        self._showing = True   # the file as it is: no edit
        try:
            self.designer.set_pipeline(pipeline)
        finally:
            self._showing = False
        self.designer.say(f"showing {self.path.name} as it is now")

    def key(self, key: str) -> None:
        actions = {"undo": self.designer.undo, "redo": self.designer.redo,
                   "delete": self.designer.remove_selected,
                   "escape": self.designer.clear_selection}
        if key in actions:
            actions[key]()

    def drop(self, server_path: str) -> None:
        """A notebook or script dropped from the file browser becomes a step (after the
        selected step, as the palette adds it)."""
        path = (self.root / server_path).resolve()
        if path.suffix not in (".ipynb", ".py") or not path.is_file():
            self.designer.say(f"{PurePosixPath(server_path).name} is not a notebook or a "
                              f"Python script: drop a .ipynb or .py file", error=True)
            return
        self.designer.add_step(path, name="")


def open_document(path: str, server_path: str, text: str, **designer_options: Any):
    """Called by the extension in the document's kernel: show the designer for `path` and
    connect it to the page. Returns the designer (the cell's output)."""
    from comm import create_comm

    comm = create_comm(target_name=COMM_TARGET, data={"opened": server_path})
    document = DesignerDocument(path, server_path, text, comm.send, **designer_options)
    comm.on_msg(lambda msg: document.received(msg["content"]["data"]))
    _OPEN[server_path] = document
    return document.designer


# The documents of this kernel, by path from the server's root (a kernel may hold several).
_OPEN: dict[str, DesignerDocument] = {}


def document_for(server_path: str) -> DesignerDocument | None:
    return _OPEN.get(server_path)
