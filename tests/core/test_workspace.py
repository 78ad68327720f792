"""Where a workspace lives: a visible folder (Jupyter servers hide dot-folders), found from
below as git finds `.git`, with an earlier version's hidden folder still used as it is."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pipeline_widget.core.workspace import LEGACY_DIRNAME, Workspace, find_project


def test_a_new_workspace_is_a_visible_folder_that_git_ignores(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    ws = Workspace(tmp_path).ensure()
    assert ws.root == tmp_path / "pipeline_workspace"
    assert not ws.root.name.startswith(".")
    (tmp_path / "kept.txt").write_text("mine")
    (ws.root / "runs").mkdir()
    (ws.root / "runs" / "r.json").write_text("{}")
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain",
                             "--untracked-files=all"], capture_output=True, text=True, check=True)
    assert status.stdout.split() == ["??", "kept.txt"]


def test_a_notebook_folder_below_the_project_finds_the_project_workspace(tmp_path):
    Workspace(tmp_path).ensure()
    (tmp_path / "notebooks").mkdir()
    assert find_project(tmp_path / "notebooks") == tmp_path
    assert Workspace(tmp_path / "pipeline_workspace").path == tmp_path


def test_an_earlier_versions_hidden_workspace_is_still_used(tmp_path):
    legacy = tmp_path / LEGACY_DIRNAME
    legacy.mkdir()
    (legacy / "workspace.json").write_text(json.dumps({"format": 1}))
    (tmp_path / "notebooks").mkdir()
    assert find_project(tmp_path / "notebooks") == tmp_path
    assert Workspace(tmp_path).root == legacy
    assert not (tmp_path / "pipeline_workspace").exists()


def test_the_visible_workspace_wins_when_both_exist(tmp_path):
    for name in (LEGACY_DIRNAME, "pipeline_workspace"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "workspace.json").write_text("{}")
    assert Workspace(tmp_path).root == tmp_path / "pipeline_workspace"


def test_runs_of_a_legacy_workspace_keep_their_stored_paths(tmp_path: Path):
    legacy = tmp_path / LEGACY_DIRNAME
    legacy.mkdir()
    (legacy / "workspace.json").write_text("{}")
    ws = Workspace(tmp_path)
    assert ws.relative(ws.runs_dir / "r") == ".pipeline_widget/runs/r"
