"""The trace a step's process writes and the runner reads: every way a step names a file
comes back as the one absolute project path, whatever folder it was named from."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline_widget.run.reuse.reads import TraceSpec
from pipeline_widget.run.reuse.tracer import read_trace
from pipeline_widget.run.step.azureml_imports import step_environment

STEP = textwrap.dedent("""
    import os, pathlib
    open("data/a.txt").read()                       # relative
    open(os.path.abspath("data/b.txt")).read()      # absolute
    open(b"data/c.txt").read()                      # bytes
    open(pathlib.Path("data") / ".." / "data" / "d.txt").read()   # a path object, with ..
    open("data//e.txt").read()                      # a doubled separator
    os.listdir(".")
    os.chdir("data")
    open("f.txt").read()                            # relative to the new folder
    open("../g.txt").read()                         # and above it
    try:
        open("missing.txt")
    except FileNotFoundError:
        pass
    open("out.txt", "w").write("not read")          # written only: not recorded
    open(os.path.join(os.path.dirname(os.__file__), "os.py")).read()   # not the project's
    fd = os.open("f.txt", os.O_RDONLY); os.close(fd)
""")


def test_every_way_of_naming_a_file_is_read_back_as_its_project_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    for name in "abcdef":
        (project / "data" / f"{name}.txt").write_text(name)
    (project / "g.txt").write_text("g")
    (project / "step.py").write_text(STEP)
    record = tmp_path / "record"
    record.mkdir()
    spec = TraceSpec.for_step(str(record), str(project), [str(record)])
    env = {**step_environment(dict(os.environ)), **spec.environment()}
    subprocess.run([sys.executable, "step.py"], cwd=project, env=env, check=True)

    trace = read_trace(spec.out)
    data = project / "data"
    expected = {str(data / f"{n}.txt") for n in "abcdef"} | {
        str(project / "g.txt"), str(data / "missing.txt"), str(project / "step.py")}
    assert set(trace["files"]) == expected
    assert set(trace["dirs"]) == {str(project)}
    assert trace["python"]["executable"] == sys.executable


def test_a_trace_cut_short_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "step.py").write_text("open('step.py').read()\n")
    spec = TraceSpec.for_step(str(tmp_path), str(project), [])
    env = {**step_environment(dict(os.environ)), **spec.environment()}
    subprocess.run([sys.executable, "step.py"], cwd=project, env=env, check=True)
    text = Path(spec.out).read_text()
    Path(spec.out).write_text(text.split("\n", 1)[0] + "\n")
    try:
        read_trace(spec.out)
    except ValueError as err:
        assert "cut" in str(err)
    else:
        raise AssertionError("a cut trace was read")


def test_a_file_name_with_a_line_break_leaves_the_read_set_incomplete(tmp_path: Path) -> None:
    """Such a name cannot be a line of the trace: dropping it could hand back a stale
    result, so the read set says it is incomplete and the result is not kept."""
    from pipeline_widget.run.reuse.digests import DigestMemo
    from pipeline_widget.run.reuse.reads import collect
    from pipeline_widget.run.reuse.tracer import LINE_BREAK

    project = tmp_path / "project"
    project.mkdir()
    (project / "odd\nname.txt").write_text("x")
    (project / "step.py").write_text("open('odd\\nname.txt').read()\n")
    spec = TraceSpec.for_step(str(tmp_path), str(project), [])
    env = {**step_environment(dict(os.environ)), **spec.environment()}
    subprocess.run([sys.executable, "step.py"], cwd=project, env=env, check=True)
    assert read_trace(spec.out)["overflow"] == LINE_BREAK
    reads, why = collect(Path(spec.out), project, DigestMemo(tmp_path / "d.json", project))
    assert reads is None and "line break" in why
