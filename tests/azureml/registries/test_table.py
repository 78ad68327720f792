"""A registry file that is damaged is named with the fix, by the API and by the CLI (exit 2),
never a traceback; entries written by concurrent processes are all kept."""
from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline_widget.azureml.registries import table
from pipeline_widget.core.errors import PipelineError
from pipeline_widget.core.workspace import Workspace
from tests.conftest import PYTHON


def test_a_damaged_registry_is_named_with_the_fix(tmp_path):
    ws = Workspace(tmp_path).ensure()
    table.path(ws, "models").parent.mkdir(parents=True)
    table.path(ws, "models").write_text("[1, 2]")
    with pytest.raises(PipelineError, match="models.json is not a JSON object; remove it"):
        table.read(ws, "models")
    table.path(ws, "models").write_text("{broken")
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "registries", "models"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "models.json" in res.stderr
    assert "Traceback" not in res.stderr


def test_concurrent_changes_are_all_kept(tmp_path):
    ws = Workspace(tmp_path)

    def add(i: int) -> None:
        with table.change(ws, "runs") as runs:
            runs[f"run{i}"] = {"tags": {"i": str(i)}}

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, range(40)))
    assert len(table.read(ws, "runs")) == 40


def test_paths_in_registries_stay_inside_their_roots(tmp_path):
    from pipeline_widget.azureml.registries import models, schedules

    ws = Workspace(tmp_path).ensure()
    with pytest.raises(PipelineError, match="leads outside"):
        models.files(ws, {"name": "m", "path": "../../../etc/passwd"})
    entry = {"name": "s", "created": 0, "path_on_datastore": "../../elsewhere"}
    with pytest.raises(PipelineError, match="leads outside"):
        schedules.changed_files(entry, tmp_path / "store")
