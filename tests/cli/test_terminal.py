"""What the command line prints: text from steps is shown, never obeyed; a closed pipe is
not an error."""
import json
import subprocess

from pipeline_widget.core.printable import printable
from tests.conftest import PYTHON, write_script

HOSTILE = "\x1b[2J\x1b]0;owned\x07\u202egnp.exe"
SCRIPT = ("import sys\n"
          f"sys.stderr.write({HOSTILE!r} + '\\n')\n"
          f"raise ValueError({HOSTILE!r})\n")


def cli(project, *args):
    return subprocess.run([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


def failing_pipeline(project):
    write_script(project / "bad.py", SCRIPT)
    path = project / "bad.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "bad", "steps": [
        {"type": "python_script", "name": "bad", "script_name": "bad.py",
         "source_directory": "."}]}))
    return path


def test_control_characters_are_escaped_by_run_and_show_and_kept_raw_in_the_record(project):
    path = failing_pipeline(project)
    ran = cli(project, "run", str(path))
    assert ran.returncode == 1
    (run_json,) = (project / "pipeline_workspace" / "runs").glob("*/run.json")
    shown = cli(project, "show", run_json.parent.name)
    for res in (ran, shown):
        out = res.stdout + res.stderr
        for raw in ("\x1b", "\x07", "\u202e"):
            assert raw not in out
        assert "\\x1b[2J\\x1b]0;owned\\x07\\u202egnp.exe" in out
    record = json.loads(run_json.read_text())
    assert HOSTILE in record["steps"]["bad"]["error"]["message"]
    (stderr,) = (project / "pipeline_workspace" / "runs").glob("*/steps/*/stderr.txt")
    assert HOSTILE in stderr.read_text()


def test_output_piped_into_head_ends_quietly(project):
    failing_pipeline(project)
    assert cli(project, "run", "bad.pipeline.json").returncode == 1
    (run_dir,) = (project / "pipeline_workspace" / "runs").glob("*")
    for args in (["runs"], ["show", run_dir.name]):
        # a reader that goes away at once: every line is written to a closed pipe
        res = subprocess.run(f"{PYTHON} -m pipeline_widget {' '.join(args)} | head -c 0",
                             shell=True, cwd=project, capture_output=True, text=True, timeout=300)
        assert "BrokenPipeError" not in res.stderr and "Traceback" not in res.stderr, res.stderr
        assert "Exception ignored" not in res.stderr


def test_printable_keeps_newlines_tabs_and_ordinary_text():
    text = "tab\there\nnew line é 日本 ✓"
    assert printable(text) == text
    assert printable("a\rb\x00c\x9bd\u200be") == "a\\x0db\\x00c\\x9bd\\u200be"
