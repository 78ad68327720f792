"""Installed entry points are read once per process, whatever the number of registries."""
from __future__ import annotations

from pipeline_widget.core import plugins


def test_every_group_comes_from_one_reading_of_the_installed_packages(monkeypatch):
    calls = []
    real = plugins.entry_points

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(plugins, "entry_points", counted)
    plugins._installed.cache_clear()
    try:
        provisioners = plugins.entry_points_of("jupyter_client.kernel_provisioners")
        sections = plugins.entry_points_of("pipeline_widget.runs_panel_sections")
        assert plugins.entry_points_of("no.such.group") == ()
    finally:
        plugins._installed.cache_clear()
    assert ("pipeline-widget-fork",
            "pipeline_widget.run.step.forking.provisioner:ForkProvisioner") in \
        {(p.name, p.value) for p in provisioners}
    assert [p.name for p in sections] == ["azureml"]
    assert calls == [1]
