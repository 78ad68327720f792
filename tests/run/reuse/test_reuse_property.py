"""Whatever is edited between runs, a run's outputs equal those of a run that reuses nothing."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_widget import (
    Dataset,
    Pipeline,
    PipelineData,
    PipelineParameter,
    PythonScriptStep,
    Workspace,
)

A = ("import sys, helpers\n"
     "data = open(sys.argv[1]).read()\n"
     "open(sys.argv[2] + '/a.txt', 'w').write(helpers.tag() + data + sys.argv[3])\n")


def b_script(version: int) -> str:
    return ("import sys\n"
            "text = open(sys.argv[1] + '/a.txt').read()\n"
            f"open(sys.argv[2] + '/b.txt', 'w').write(text + '|b{version}')\n")


def build(project: Path, param: int) -> Pipeline:
    mid, end = PipelineData("mid"), PipelineData("end")
    raw = Dataset.File.from_files(project / "data.txt").as_named_input("raw")
    p = PipelineParameter("p", param)
    a = PythonScriptStep(name="a", script_name="a.py", source_directory=project / "steps",
                         inputs=[raw], outputs=[mid], arguments=[raw, mid, p])
    b = PythonScriptStep(name="b", script_name="b.py", source_directory=project / "steps",
                         inputs=[mid], outputs=[end], arguments=[mid, end])
    return Pipeline(Workspace(project), [b], name="prop")


def contents(run) -> dict[str, str]:
    return {f"{s.name}/{f.name}": f.read_text() for s in run.get_steps()
            for folder in s.outputs.values() for f in sorted(Path(folder).iterdir())}


edits = st.lists(st.one_of(
    st.tuples(st.just("helper"), st.integers(0, 2)),
    st.tuples(st.just("data"), st.sampled_from(["x", "y", "zz"])),
    st.tuples(st.just("param"), st.integers(0, 2)),
    st.tuples(st.just("script"), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.sampled_from(["a", "b"])),
), min_size=1, max_size=5)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_every_run_matches_a_run_without_reuse(sequence):
    project = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        (project / "steps").mkdir()
        (project / "steps" / "a.py").write_text(A)
        (project / "steps" / "helpers.py").write_text("def tag():\n    return 'h0:'\n")
        (project / "steps" / "b.py").write_text(b_script(0))
        (project / "data.txt").write_text("x")
        param, last = 0, None
        for action, value in sequence:
            if action == "helper":
                (project / "steps" / "helpers.py").write_text(
                    f"def tag():\n    return 'h{value}:'\n")
            elif action == "data":
                (project / "data.txt").write_text(value)
            elif action == "param":
                param = value
            elif action == "script":
                (project / "steps" / "b.py").write_text(b_script(value))
            elif last is not None:
                for f in Path(last.get_step(value).outputs[
                        "mid" if value == "a" else "end"]).iterdir():
                    f.unlink()
            reused = build(project, param).submit("prop")
            assert reused.wait_for_completion(show_output=False) == "Finished"
            fresh = build(project, param).submit("prop", regenerate_outputs=True)
            assert fresh.wait_for_completion(show_output=False) == "Finished"
            assert contents(reused) == contents(fresh), sequence
            last = reused
    finally:
        shutil.rmtree(project, ignore_errors=True)
