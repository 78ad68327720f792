"""The runs panel's sections from other parts of the project: a registry (entry point group
`pipeline_widget.runs_panel_sections`) that the Azure ML adapter joins, as pyproject.toml
declares, to list the models, published pipelines and schedules v1 code registered; shown
only in a workspace that has them."""
from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from pipeline_widget.widget import runs_sections

REPO = Path(__file__).resolve().parents[2]


def declared() -> list[EntryPoint]:
    """The group's entry points as pyproject.toml declares them (what an install gives)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    group = project["entry-points"][runs_sections.ENTRY_POINTS]
    return [EntryPoint(name, value, runs_sections.ENTRY_POINTS) for name, value in group.items()]


@pytest.fixture
def installed(monkeypatch):
    """The registry as a fresh process with this package installed would load it."""
    from pipeline_widget.core import plugins

    points = declared()
    monkeypatch.setattr(runs_sections, "_providers", {})
    monkeypatch.setattr(runs_sections, "_loaded", False)
    monkeypatch.setattr(plugins, "entry_points_of",
                        lambda group: tuple(p for p in points if p.group == group))
    return points


def test_pyproject_registers_the_azureml_provider_and_it_loads(installed):
    assert [(p.name, p.value) for p in installed] == [
        ("azureml", "pipeline_widget.azureml.runs_panel:sections")]
    from pipeline_widget.azureml.runs_panel import sections

    assert runs_sections.providers() == {"azureml": sections}


def test_nothing_shows_in_a_workspace_without_registries(installed, designer):
    designer.runs_panel.refresh_runs()
    assert designer.runs_panel.sections.children == ()
    assert designer.runs_panel.sections.layout.display == "none"


def test_models_published_pipelines_and_schedules_are_listed(installed, designer, project):
    from pipeline_widget.azureml.registries import pipelines, schedules
    from pipeline_widget.azureml.sdk.core import Model, Workspace

    (project / "model.pkl").write_bytes(b"\x80\x04weights")
    aml = Workspace(folder=project)
    Model.register(aml, str(project / "model.pkl"), "churn", tags={"build": "42"})
    Model.register(aml, str(project / "model.pkl"), "churn", tags={"build": "43"})
    pipelines.add(designer.workspace, pipelines.PUBLISHED,
                  {"name": "training", "version": "1.0", "status": "Active"})
    schedules.add(designer.workspace, {"name": "nightly", "recurrence": {
        "frequency": "Day", "interval": 1}})
    designer.runs_panel.refresh_runs()
    panel = designer.runs_panel.sections
    assert panel.layout.display is None
    assert panel.titles == ("registered models (2)", "published pipelines (1)", "schedules (1)")
    models, published, scheduled = (c.value for c in panel.children)
    assert "churn" in models and "build=43" in models and ">2<" in models
    assert "training" in published and "Active" in published
    assert "nightly" in scheduled and "every 1 Day" in scheduled
    assert "pw-runs-sections" in panel._dom_classes and panel in designer.runs_panel.children


def test_a_provider_that_fails_is_named_and_one_that_cannot_load_is_skipped(monkeypatch, ws):
    from pipeline_widget.core import plugins

    monkeypatch.setattr(runs_sections, "_providers", {})
    monkeypatch.setattr(runs_sections, "_loaded", False)
    monkeypatch.setattr(plugins, "entry_points_of", lambda group: (
        EntryPoint("gone", "no_such_module_here:sections", runs_sections.ENTRY_POINTS),))

    def broken(workspace):
        raise ValueError("its table is damaged")

    with pytest.warns(UserWarning, match="'gone' could not be loaded"):
        runs_sections.register("mine", broken)
        found = runs_sections.sections(ws)
    assert found == [{"title": "mine", "columns": ["problem"],
                      "rows": [["ValueError: its table is damaged"]]}]
