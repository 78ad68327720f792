"""Import a file of another tool into a `.pipeline.json`; export a `.pipeline.json` to
another tool. What the command line and the designer call."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.errors import PipelineError
from ..core.fileformat import SUFFIX
from ..core.pipeline import PipelineModel
from ..core.workspace import Workspace
from . import extras
from .registry import exporter_for, importer_for, importers
from .shared import check_output


def default_output(source: Path) -> Path:
    """hello.pipeline -> hello.pipeline.json; pipeline.yaml -> pipeline.pipeline.json."""
    return source.with_name(source.name + ".json") if source.suffix == ".pipeline" \
        else source.with_name(source.stem + SUFFIX)


def import_file(source: str | os.PathLike, out: str | os.PathLike | None = None, *,
                workspace: Workspace | None = None, format: str | None = None,
                force: bool = False) -> tuple[Path, list[str]]:
    """Read `source` with its importer, check the pipeline and save it (with what it kept
    beside it); returns the file written and notes for the user."""
    source = Path(source).absolute()
    if not source.is_file():
        raise PipelineError(f"{source} not found; check the path")
    importer = importer_for(source, format)
    target = Path(out).absolute() if out else default_output(source)
    if not target.name.endswith(SUFFIX):
        raise PipelineError(f"{target.name}: the imported pipeline is saved as a {SUFFIX} file; "
                            f"give -o NAME{SUFFIX}")
    check_output(target, force)
    kept_at = extras.path_for(target)
    check_output(kept_at, force)
    imported = importer.read(source, workspace or Workspace(), target.parent)
    imported.pipeline.check()
    imported.pipeline.save(target)
    if extras.write(target, imported.extras) is not None:
        imported.notes.append(f"kept what {importer.format} needs and {SUFFIX} cannot hold "
                              f"in {kept_at.name}")
    return target, imported.notes


def export_file(source: str | os.PathLike, target: str, out: str | os.PathLike, *,
                workspace: Workspace | None = None, force: bool = False,
                options: dict[str, Any] | None = None) -> list[str]:
    """Write the pipeline of `source` (a .pipeline.json) for `target`; returns notes."""
    exporter = exporter_for(target)
    path = Path(source).absolute()
    if not path.name.endswith(SUFFIX) and path.is_file():
        for importer in importers().values():
            if importer.claims(path):
                raise PipelineError(f"{path.name} is {importer.description}, not a {SUFFIX} "
                                    f"file; import it first: pipeline-widget import {path.name}")
    pipeline = PipelineModel.load(path, workspace)
    pipeline.check()
    destination = Path(out).absolute()
    if destination == path:
        raise PipelineError(f"{destination.name} is the pipeline being exported; give another "
                            f"output file")
    check_output(destination, force)
    return exporter.write(pipeline, destination, extras.read(path), dict(options or {}))
