"""Importers and exporters are registries: the built-in ones, and those other packages add
through the entry point groups pipeline_widget.importers / pipeline_widget.exporters."""
from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from pipeline_widget.interop import export_file, exporters, import_file, importers, registry
from pipeline_widget.interop.registry import Exporter, Imported, Importer


@pytest.fixture
def fresh_registry(monkeypatch):
    monkeypatch.setattr(registry, "_importers", {})
    monkeypatch.setattr(registry, "_exporters", {})
    monkeypatch.setattr(registry, "_loaded", False)


def test_the_built_in_formats_and_targets(fresh_registry):
    assert set(importers()) == {"elyra", "ploomber"}
    assert set(exporters()) == {"elyra", "ploomber", "airflow", "kfp"}
    assert registry.importer_for(Path("x.pipeline")).format == "elyra"
    assert registry.importer_for(Path("pipeline.yaml")).format == "ploomber"
    assert registry.importer_for(Path("pipeline.serve.yaml")).format == "ploomber"


# A plug-in's objects, as an installed package would declare them in its entry points.
def _read_text_pipeline(path, workspace, out_dir) -> Imported:
    from pipeline_widget import NotebookStep, Pipeline

    notebook = path.read_text().strip()
    return Imported(Pipeline(workspace=workspace, steps=[
        NotebookStep(name="only", notebook=path.parent / notebook)], name="from-text"),
        notes=["read by the plug-in"])


TEXT_IMPORTER = Importer("text", "a text file naming a notebook", lambda p: p.suffix == ".txt",
                         _read_text_pipeline)


def _write_listing(pipeline, out, options) -> list[str]:
    out.write_text("\n".join(s.name for s in pipeline.steps) + "\n")
    return []


def listing_exporter() -> Exporter:   # a callable returning one is accepted too
    return Exporter("listing", "the step names, one a line", _write_listing)


def test_plug_ins_register_through_entry_points_and_a_broken_one_only_warns(
        fresh_registry, monkeypatch, tmp_path):
    points = {
        registry.IMPORTERS_GROUP: [EntryPoint("text", f"{__name__}:TEXT_IMPORTER",
                                              registry.IMPORTERS_GROUP)],
        registry.EXPORTERS_GROUP: [EntryPoint("listing", f"{__name__}:listing_exporter",
                                              registry.EXPORTERS_GROUP),
                                   EntryPoint("broken", "no_such_module:thing",
                                              registry.EXPORTERS_GROUP)],
    }
    from pipeline_widget.core import plugins

    monkeypatch.setattr(plugins, "entry_points_of", lambda group: tuple(points.get(group, [])))
    with pytest.warns(UserWarning, match="'broken' could not be loaded"):
        assert "text" in importers()
    assert {"listing", "airflow", "kfp", "elyra"} <= set(exporters())
    from tests.conftest import write_notebook

    write_notebook(tmp_path / "nb.ipynb", "x = 1", "print(x)")
    (tmp_path / "which.txt").write_text("nb.ipynb\n")
    saved, notes = import_file(tmp_path / "which.txt", tmp_path / "which.pipeline.json")
    assert notes == ["read by the plug-in"] and saved.is_file()
    export_file(saved, "listing", tmp_path / "steps.txt")
    assert (tmp_path / "steps.txt").read_text() == "only\n"
