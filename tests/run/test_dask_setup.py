"""Starting on Dask: refused with the fix when Dask is missing or the address is wrong, and
working from a plain script that has no main guard."""
import subprocess

import pytest

from tests.conftest import PYTHON

pytestmark = pytest.mark.dask


def cli_without_dask(project, *args):
    """The command line in a Python where `import distributed` fails, as without Dask."""
    code = ("import sys\nsys.modules['distributed'] = None\n"
            "from pipeline_widget.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([PYTHON, "-c", code, *args], cwd=project, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("executor", ["dask", "dask://127.0.0.1:8786"])
def test_without_dask_the_run_is_refused_with_the_install_command(seed_copy, project, executor):
    res = cli_without_dask(project, "run", str(seed_copy), "--executor", executor)
    assert res.returncode == 2, res.stdout + res.stderr
    assert 'pip install "pipeline-widget[dask]"' in res.stderr
    assert "Traceback" not in res.stderr
    assert not (project / "pipeline_workspace" / "runs").exists()


@pytest.mark.parametrize("executor", ["dask://", "tcp://", "dask://host:port", "dask://h:0"])
def test_a_malformed_scheduler_address_is_refused(seed_copy, project, executor):
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "run", str(seed_copy), "--executor",
                          executor], cwd=project, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "dask://HOST:PORT" in res.stderr, res.stdout + res.stderr
    assert "Traceback" not in res.stderr


def test_a_script_without_a_main_guard_runs_on_a_new_local_cluster(seed_copy, project):
    script = project / "go.py"
    script.write_text(
        "from pipeline_widget import Pipeline\n"
        f"pipeline = Pipeline.load({str(seed_copy)!r})\n"
        "run = pipeline.submit('noguard', executor='dask')\n"
        "print('STATUS', run.wait_for_completion(show_output=False))\n")
    res = subprocess.run([PYTHON, str(script)], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert "STATUS Finished" in res.stdout, res.stdout + res.stderr[-3000:]
    assert res.stdout.count("STATUS") == 1  # the workers did not run the script again
