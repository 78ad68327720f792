"""Import a file of another tool into a `.pipeline.json`, or open it as a pipeline without
saving; export a `.pipeline.json` to another tool. What the command line and the designer
call."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import PipelineError
from ..core.fileformat import SUFFIX
from ..core.pipeline import PipelineModel
from ..core.workspace import Workspace
from .registry import exporter_for, importer_for, importers
from .shared import check_output

if TYPE_CHECKING:
    from ..run import Pipeline


def default_output(source: Path) -> Path:
    """hello.pipeline -> hello.pipeline.json; pipeline.yaml -> pipeline.pipeline.json."""
    return source.with_name(source.name + ".json") if source.suffix == ".pipeline" \
        else source.with_name(source.stem + SUFFIX)


def import_file(source: str | os.PathLike, out: str | os.PathLike | None = None, *,
                workspace: Workspace | None = None, format: str | None = None,
                force: bool = False) -> tuple[Path, list[str]]:
    """Read `source` with its importer, check the pipeline and save it (what the other tool
    needs and the runner ignores in its extensions); returns the file written and notes
    for the user."""
    source = Path(source).absolute()
    if not source.is_file():
        raise PipelineError(f"{source} not found; check the path")
    importer = importer_for(source, format)
    target = Path(out).absolute() if out else default_output(source)
    if not target.name.endswith(SUFFIX):
        raise PipelineError(f"{target.name}: the imported pipeline is saved as a {SUFFIX} file; "
                            f"give -o NAME{SUFFIX}")
    check_output(target, force)
    imported = importer.read(source, workspace or Workspace(), target.parent)
    imported.pipeline.check()
    imported.pipeline.save(target)
    return target, imported.notes


def open_pipeline(path: str | os.PathLike, workspace: Workspace | None = None,
                  notes: list[str] | None = None) -> "Pipeline":
    """The pipeline of `path`: a `.pipeline.json` as it is, a file of another tool (an
    Elyra `.pipeline`, a Ploomber `pipeline.yaml`) through its importer, without writing
    a pipeline file. Such a pipeline's file is `NAME.pipeline.json` beside the source (not
    there yet), so saving it never overwrites the other tool's file. The importer's notes
    (settings kept but ignored here) are added to `notes`."""
    from ..core.pipeline import OTHER_TOOLS_SUFFIXES
    from ..run import Pipeline

    path = Path(path).absolute()
    workspace = workspace if workspace is not None else Workspace()
    if path.name.endswith(SUFFIX) or (path.suffix not in OTHER_TOOLS_SUFFIXES and not any(
            i.claims(path) for i in importers().values())):
        return Pipeline.load(path, workspace=workspace)
    if not path.is_file():
        raise PipelineError(f"{path} not found; check the path")
    target = default_output(path)
    imported = importer_for(path).read(path, workspace, target.parent)
    pipeline = Pipeline.from_dict(imported.pipeline.to_dict(target.parent), workspace,
                                  target.parent, source=path.name)
    pipeline.path = target
    if notes is not None:
        notes.extend(imported.notes)
        notes.append(f"opened {path.name} through its importer; saving writes {target.name} "
                     f"beside it (never {path.name})" + (
                         f", which exists: open {target.name} instead to keep its edits"
                         if target.exists() else ""))
    return pipeline


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
    return exporter.write(pipeline, destination, dict(options or {}))
