"""Workspaces a user cannot use: refused up front with exit 2 and the fix, never a
traceback. Run as a normal user (nobody, when the tests run as root): root may write
anywhere, so only a normal user meets these folders as users do."""
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline_widget.cli import main
from tests.conftest import write_notebook

NOBODY = 65534
PIPELINE = {"schema_version": 1, "name": "p", "steps": [
    {"type": "notebook", "name": "s", "notebook": "s.ipynb", "outputs": ["out"]}]}


@pytest.fixture
def shared(tmp_path):
    """A folder every user can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pw-access-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def project_in(folder: Path) -> Path:
    project = folder / "project"
    write_notebook(project / "s.ipynb", "out = None", "pass")
    (project / "p.pipeline.json").write_text(json.dumps(PIPELINE))
    return project


def as_user(project: Path, *argv: str) -> tuple[int, str]:
    """main(argv) in a child process that is a normal user, in `project`: its exit code
    and everything it printed."""
    main(["validate", str(project / "p.pipeline.json")], out=io.StringIO())  # imports done
    log = tempfile.NamedTemporaryFile("w+", dir=project.parent, delete=False)
    os.chmod(log.name, 0o666)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 99
        try:
            os.chdir(project)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            with open(log.name, "w") as out:
                sys.stderr = out
                code = main(list(argv), out=out)
        except BaseException as err:  # noqa: BLE001  (reported to the test)
            with open(log.name, "a") as out:
                out.write(f"Traceback: {err!r}")
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), Path(log.name).read_text()


def own(path: Path, user: int) -> None:
    if os.geteuid() == 0:
        for p in [path, *path.rglob("*")]:
            os.chown(p, user, user)


def test_a_read_only_workspace_is_refused_before_anything_runs(shared):
    project = project_in(shared)
    (project / "pipeline_workspace").mkdir()
    own(project, NOBODY)
    (project / "pipeline_workspace").chmod(0o555)
    code, printed = as_user(project, "run", "p.pipeline.json")
    assert code == 2, printed
    assert "cannot write to" in printed and "--workspace DIR" in printed
    assert "Traceback" not in printed
    (project / "pipeline_workspace").chmod(0o755)
    assert os.listdir(project / "pipeline_workspace") == []


def test_a_workspace_folder_the_user_cannot_write_is_refused(shared):
    project = project_in(shared)
    own(project, NOBODY)
    theirs = shared / "someone_elses"
    theirs.mkdir(mode=0o755)  # root's: nobody may read it, not write it
    code, printed = as_user(project, "--workspace", str(theirs), "run", "p.pipeline.json")
    assert code == 2 and "cannot write to" in printed and "Traceback" not in printed, printed


def test_a_workspace_the_user_cannot_read_gives_exit_2_for_every_command(shared):
    project = project_in(shared)
    own(project, NOBODY)
    private = project / "pipeline_workspace"
    (private / "runs" / "r1").mkdir(parents=True)
    private.chmod(0o700)  # root's own
    for argv in (["runs"], ["show", "r1"], ["run", "p.pipeline.json"]):
        code, printed = as_user(project, *argv)
        assert code == 2 and "Traceback" not in printed, (argv, printed)


def test_a_workspace_that_is_a_file_is_refused(shared):
    project = project_in(shared)
    (shared / "afile").write_text("x")
    for argv in (["runs"], ["run", "p.pipeline.json"]):
        out = io.StringIO()
        code = main(["--workspace", str(shared / "afile"), *argv], out=out)
        assert code == 2
