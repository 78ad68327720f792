"""Installed entry points are read once per process, whatever the number of registries, and
the reading is kept for the next process until a package is installed, removed or changed."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipeline_widget.core import plugins


@pytest.fixture
def readings(monkeypatch, tmp_path):
    """Each real reading of the installed packages, with a cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls: list[int] = []
    real = plugins._read_installed

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(plugins, "_read_installed", counted)
    plugins._installed.cache_clear()
    yield calls
    plugins._installed.cache_clear()


def _distribution(folder, name: str, entry_points: str) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def _points(group: str) -> set[tuple[str, str]]:
    plugins._installed.cache_clear()   # as a new process would
    return {(p.name, p.value) for p in plugins.entry_points_of(group)}


def test_every_group_comes_from_one_reading_of_the_installed_packages(readings):
    provisioners = plugins.entry_points_of("jupyter_client.kernel_provisioners")
    sections = plugins.entry_points_of("pipeline_widget.runs_panel_sections")
    assert plugins.entry_points_of("no.such.group") == ()
    assert ("pipeline-widget-fork",
            "pipeline_widget.run.step.forking.provisioner:ForkProvisioner") in \
        {(p.name, p.value) for p in provisioners}
    assert [p.name for p in sections] == ["azureml"]
    assert readings == [1]


# A process that prints the entry points of the group `pw.test` and whether it read the
# installed packages to find them (rather than taking the kept reading).
ONE_PROCESS = """
import json
from pipeline_widget.core import plugins
read = []
real = plugins._read_installed
plugins._read_installed = lambda: read.append(1) or real()
points = sorted([p.name, p.value] for p in plugins.entry_points_of("pw.test"))
print(json.dumps({"points": points, "read": bool(read)}))
"""


def test_a_kept_reading_serves_the_next_process_until_a_package_changes(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(site)}

    def process() -> tuple[list[list[str]], bool]:
        done = subprocess.run([sys.executable, "-c", ONE_PROCESS], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout)
        return seen["points"], seen["read"]

    _distribution(site, "demo", "[pw.test]\na = json:dumps\n")
    assert process() == ([["a", "json:dumps"]], True)
    assert process() == ([["a", "json:dumps"]], False)   # the kept reading
    _distribution(site, "demo", "[pw.test]\na = json:dumps\nb = json:loads\n")   # upgraded
    assert process() == ([["a", "json:dumps"], ["b", "json:loads"]], True)
    _distribution(site, "other", "[pw.test]\nc = os.path:join\n")                 # installed
    assert process() == ([["a", "json:dumps"], ["b", "json:loads"], ["c", "os.path:join"]],
                         True)
    for file in (site / "demo-1.0.dist-info").iterdir():                           # removed
        file.unlink()
    (site / "demo-1.0.dist-info").rmdir()
    assert process() == ([["c", "os.path:join"]], True)
    assert process() == ([["c", "os.path:join"]], False)


def test_another_finder_of_distributions_means_reading_each_time(readings, monkeypatch):
    class Finder:
        def find_spec(self, *args):
            return None

        def find_distributions(self, *args, **kwargs):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    _points("pw.test")
    _points("pw.test")
    assert readings == [1, 1]


def test_a_cache_folder_that_cannot_be_written_only_means_reading_again(
        readings, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder")
    assert ("azureml", "pipeline_widget.azureml.runs_panel:sections") in \
        _points("pipeline_widget.runs_panel_sections")
    _points("pipeline_widget.runs_panel_sections")
    assert readings == [1, 1]


def test_the_next_process_does_not_read_the_packages_metadata(tmp_path):
    code = ("import sys\n"
            "from pipeline_widget.core import plugins\n"
            "names = [p.name for p in plugins.entry_points_of('pipeline_widget.runs_panel_sections')]\n"
            "print(names, 'importlib.metadata' in sys.modules)\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["['azureml'] True", "['azureml'] False"]


@pytest.mark.parametrize("value, expected", [
    ("os.path:join", os.path.join),
    ("os.path", os.path),
    ("os:path.join", os.path.join),
    ("json:dumps [extra]", __import__("json").dumps),
])
def test_an_entry_point_loads_what_its_value_names(value, expected):
    assert plugins.EntryPoint("x", value, "g").load() is expected


def test_a_malformed_value_names_the_entry_point():
    with pytest.raises(ValueError, match="'broken'.*'not a value'"):
        plugins.EntryPoint("broken", "not a value", "g").load()
