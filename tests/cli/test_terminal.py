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


WAIT_FOR_FLAG = ("import os, sys, time\n"
                 "while not os.path.exists(sys.argv[1]):\n"
                 "    time.sleep(0.02)\n")


def first_line_then_close(project, args, flag, deadline=120):
    """Start `pipeline-widget ARGS` with its stdout piped to us, read one line, close the pipe
    (as `| head -1` does), then create `flag` (steps wait for it, so that they end after the
    reader went away). Returns (first line, exit code, stderr)."""
    import os
    import select

    proc = subprocess.Popen([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = b""
    try:
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([proc.stdout], [], [], deadline)
            if not ready:
                break
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                break
            line += chunk
        proc.stdout.close()
        flag.write_text("go")
        _, err = proc.communicate(timeout=deadline)
    finally:
        flag.write_text("go")
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return line.decode(), proc.returncode, err.decode()


def records(project):
    return [json.loads(p.read_text())
            for p in (project / "pipeline_workspace" / "runs").glob("*/run.json")]


def test_a_run_piped_into_head_is_canceled_at_the_first_broken_pipe(project):
    write_script(project / "quick.py", "pass\n")
    write_script(project / "wait.py", WAIT_FOR_FLAG)
    flag = project / "flag"
    (project / "chain.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "chain", "steps": [
            {"type": "python_script", "name": "a", "script_name": "quick.py",
             "source_directory": ".", "outputs": ["x"], "arguments": [{"data": "x"}]},
            {"type": "python_script", "name": "b", "script_name": "wait.py",
             "source_directory": ".", "inputs": [{"data": "x"}], "outputs": ["y"],
             "arguments": [str(flag), {"data": "x"}, {"data": "y"}]},
            {"type": "python_script", "name": "c", "script_name": "wait.py",  # never ends
             "source_directory": ".", "inputs": [{"data": "y"}],
             "arguments": [str(project / "never"), {"data": "y"}]}]}))
    line, code, err = first_line_then_close(project, ["run", "chain.pipeline.json"], flag)
    assert line.split() == ["Finished", "a"], (line, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert code == 141
    (record,) = records(project)
    assert record["status"] == "Canceled"
    assert record["steps"]["b"]["status"] == "Finished"
    assert record["steps"]["c"]["status"] == "Canceled"


def test_a_sweep_piped_into_head_stops_at_the_first_broken_pipe(project):
    write_script(project / "wait.py", WAIT_FOR_FLAG)
    flag = project / "flag"
    (project / "p.pipeline.json").write_text(json.dumps({
        "schema_version": 1, "name": "p", "parameters": {"k": 0}, "steps": [
            {"type": "python_script", "name": "w", "script_name": "wait.py",
             "source_directory": ".", "arguments": [str(flag), {"parameter": "k"}]}]}))
    line, code, err = first_line_then_close(
        project, ["run", "p.pipeline.json", "--sweep", "k=1,2,3,4,5"], flag)
    assert line.strip() in ("", "sweep 1/5: k=1"), (line, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert code == 141
    assert len(records(project)) <= 1
