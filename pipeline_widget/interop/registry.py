"""The formats pipelines come from and go to: importers by format, exporters by target.

Built in: importers `elyra` (a `.pipeline` file) and `ploomber` (a `pipeline.yaml`),
exporters `elyra`, `ploomber` (imported projects), `airflow` and `kfp`. Other packages add
theirs through the entry point groups `pipeline_widget.importers` and
`pipeline_widget.exporters` (name: the format or target; value: an Importer or Exporter,
or a callable returning one).
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core import plugins
from ..core.errors import PipelineError
from ..core.pipeline import PipelineModel
from ..core.workspace import Workspace

IMPORTERS_GROUP = "pipeline_widget.importers"
EXPORTERS_GROUP = "pipeline_widget.exporters"
BUILT_IN_IMPORTERS = ("elyra", "ploomber")          # modules of this package
BUILT_IN_EXPORTERS = ("elyra", "ploomber", "airflow", "kfp")


@dataclass
class Imported:
    """What an importer read: the pipeline (what of the source has no meaning here is in
    its extensions and its steps', under the format's namespace) and notes for the user."""
    pipeline: PipelineModel
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Importer:
    format: str
    description: str
    claims: Callable[[Path], bool]          # is this file of the format?
    read: Callable[[Path, Workspace, Path], Imported]   # (file, workspace, output folder)


@dataclass(frozen=True)
class Exporter:
    target: str
    description: str
    # (pipeline, output file, options) -> notes for the user; what an import kept for the
    # target is in the pipeline's extensions and its steps'
    write: Callable[[PipelineModel, Path, dict[str, Any]], list[str]]


_importers: dict[str, Importer] = {}
_exporters: dict[str, Exporter] = {}
_loaded = False
_lock = threading.Lock()


def register_importer(importer: Importer) -> None:
    _importers[importer.format] = importer


def register_exporter(exporter: Exporter) -> None:
    _exporters[exporter.target] = exporter


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        from importlib import import_module

        for name in BUILT_IN_IMPORTERS:
            register_importer(import_module(f"{__package__}.{name}").IMPORTER)
        for name in BUILT_IN_EXPORTERS:
            register_exporter(import_module(f"{__package__}.{name}").EXPORTER)
        groups: tuple[tuple[str, type, Callable[[Any], None]], ...] = (
            (IMPORTERS_GROUP, Importer, register_importer),
            (EXPORTERS_GROUP, Exporter, register_exporter))
        for group, kind, register in groups:
            for point in plugins.entry_points_of(group):
                try:
                    found = point.load()
                    found = found if isinstance(found, kind) else found()
                    if not isinstance(found, kind):
                        raise TypeError(f"it gave {type(found).__name__}, not {kind.__name__}")
                    register(found)
                except Exception as err:   # a broken plug-in must not stop the built-in ones
                    warnings.warn(f"{group} entry point {point.name!r} could not be loaded: "
                                  f"{err}", stacklevel=2)
        _loaded = True


def importers() -> dict[str, Importer]:
    _load()
    return dict(_importers)


def exporters() -> dict[str, Exporter]:
    _load()
    return dict(_exporters)


def importer_for(path: Path, format: str | None = None) -> Importer:
    """The importer of `format`, else the first that claims the file."""
    found = importers()
    if format is not None:
        if format not in found:
            raise PipelineError(f"no importer for format {format!r}; formats are "
                                f"{', '.join(sorted(found))}")
        return found[format]
    for importer in found.values():
        if importer.claims(path):
            return importer
    raise PipelineError(f"{path.name} is none of the formats pipeline-widget imports "
                        f"({', '.join(f'{i.format}: {i.description}' for i in found.values())}); "
                        f"pass --format to say which it is")


def exporter_for(target: str) -> Exporter:
    found = exporters()
    if target not in found:
        raise PipelineError(f"no exporter for {target!r}; targets are "
                            f"{', '.join(sorted(found))}")
    return found[target]
