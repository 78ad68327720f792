"""The designer's file row: the pipeline file's path, Save, Load, and, once the pipeline is
saved, a link that opens it as a JupyterLab document (the designer in a tab of its own)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import ipywidgets as w

from ..core import PipelineError
from ..run import Pipeline
from .artefacts import open_link
from .controls import button


class FileRow(w.HBox):
    """pipeline: the pipeline being edited; save(path) and open_file(path) do the work;
    say(text, error) reports. `save_handler`, when set (a document), replaces Save."""

    def __init__(self, pipeline: Callable[[], Pipeline], save: Callable[[str | Path], Path],
                 open_file: Callable[[str], Pipeline], say: Callable[..., None]) -> None:
        super().__init__()
        self._pipeline, self._save, self._open, self._say = pipeline, save, open_file, say
        self.save_handler: Callable[[], None] | None = None
        self.path = w.Text(description="file", layout=w.Layout(width="360px"),
                           continuous_update=False, value=str(self.default_path()))
        self.path.add_class("pw-path")
        self.save_button = button("Save", "pw-save", self.save_clicked, icon="save")
        self.load_button = button("Load", "pw-load", self.load_clicked, icon="folder-open")
        self.open_document = w.HTML()
        self.open_document.add_class("pw-open-document")
        self.children = [self.path, self.save_button, self.load_button, self.open_document]
        self.refresh()

    def default_path(self) -> Path:
        pipeline = self._pipeline()
        if pipeline.path is not None:
            return _relative(pipeline.path)
        return Path(f"{pipeline.name}.pipeline.json")

    def refresh(self) -> None:
        """Offer "Open as document" for a pipeline saved in a file (not inside a document)."""
        path = self._pipeline().path
        in_document = "none" if self.save_handler is not None else None
        self.path.layout.display = self.load_button.layout.display = in_document   # the tab's
        self.open_document.value = "" if path is None or self.save_handler is not None else (
            f"<span style='margin-left:8px'>"
            f"{open_link(path, 'Open as document')}</span>")

    def save_clicked(self) -> None:
        if self.save_handler is not None:
            self.save_handler()
            return
        try:
            self._save(self.path.value.strip() or self.default_path())
        except (PipelineError, OSError) as err:
            self._say(f"could not save: {err}", error=True)
        self.refresh()

    def load_clicked(self) -> None:
        try:
            self._open(self.path.value.strip())
        except (PipelineError, OSError) as err:
            self._say(str(err), error=True)
        self.refresh()


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
