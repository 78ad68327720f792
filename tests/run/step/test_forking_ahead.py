"""A first run's kernel fork server starts before the run is planned, while the command line
loads (run/step/forking/ahead.py); other runs start it from their plan, or not at all."""
from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from pipeline_widget import NotebookStep, Pipeline, PipelineData, Workspace
from pipeline_widget.run.step.forking import ahead, client
from pipeline_widget.run.step.forking.setting import FORK_ENV
from pipeline_widget.run.step.kernels import fork_kernels
from tests.conftest import PYTHON, write_notebook

pytestmark = pytest.mark.skipif(not fork_kernels(), reason="kernels are not forked here")

# The command line in a fresh process, watched: "server" for each fork server it starts,
# "plan" when it loads what plans a run.
WATCHED = textwrap.dedent("""\
    import json, sys
    seen = []
    def watch(event, args):
        if event == "subprocess.Popen" and any("server.py" in str(a) for a in args[1] or []):
            seen.append("server")
        elif event == "import" and args[0] == "pipeline_widget.run.plan.build":
            seen.append("plan")
    sys.addaudithook(watch)
    from pipeline_widget.cli.app import main
    code = main(sys.argv[1:])
    print(json.dumps({"code": code, "seen": seen}))
""")


def _pipeline(ws: Workspace, project: Path, body: str = "print(a)") -> Path:
    a = PipelineData("a")
    first = write_notebook(project / "first.ipynb", "a = None",
                           "import os\nopen(os.path.join(a, 'x.txt'), 'w').write('x')")
    second = write_notebook(project / "second.ipynb", "a = None", body)
    return Pipeline(ws, [NotebookStep("first", first, outputs=[a]),
                         NotebookStep("second", second, inputs=[a])],
                    name="ahead").save(project / "ahead.pipeline.json")


def _run(project: Path, path: Path) -> dict:
    res = subprocess.run([PYTHON, "-c", WATCHED, "run", str(path)], cwd=project,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    answer = json.loads(res.stdout.strip().splitlines()[-1])
    assert answer["code"] == 0, res.stdout
    return answer


def test_a_first_run_starts_its_fork_server_before_its_plan_and_later_runs_from_it(ws, project):
    path = _pipeline(ws, project)
    assert _run(project, path)["seen"] == ["server", "plan"]   # one server, early
    assert _run(project, path)["seen"] == ["plan"]   # unchanged: all reused, no server
    _pipeline(ws, project, body="print(a, 'changed')")
    assert _run(project, path)["seen"] == ["plan", "server"]   # results kept: the plan says


def test_no_server_is_started_ahead_with_forking_off_or_for_a_folder_that_is_not_there(
        project, tmp_path, monkeypatch):
    before = client.servers()
    missing = Workspace(tmp_path / "not-made")
    assert ahead.start_for_first_run(missing) is False
    assert not (tmp_path / "not-made").exists()   # nothing made for it
    monkeypatch.setenv(FORK_ENV, "0")
    assert ahead.start_for_first_run(Workspace(project)) is False
    assert client.servers() == before
