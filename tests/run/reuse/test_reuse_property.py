"""Whatever is edited between runs, a run's outputs equal those of a run that reuses nothing.

The project is shaped as people write them: a script in a subfolder with a helper beside
it, a package whose `__init__` sets a value, a namespace package, a file read without
being declared, an environment variable, an installed distribution, and a notebook whose
`%%time` cell imports a helper. Each edit kind changes one of them; explicit examples
make sure each kind is tried on every run of the suite.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline_widget import (
    Dataset,
    NotebookStep,
    Pipeline,
    PipelineData,
    PipelineParameter,
    PythonScriptStep,
    Workspace,
)
from tests.conftest import write_notebook
from tests.run.reuse.distributions import install

A = ("import os, sys\n"
     "import helpers, lib, obsdist\n"
     "from nspkg import tool\n"
     "data = open(sys.argv[1]).read()\n"
     "conf = open('conf/x.txt').read()\n"
     "parts = [helpers.V, tool.V, lib.V, conf, os.environ.get('PROP_ENV', '-'),\n"
     "         obsdist.VERSION, data, sys.argv[3]]\n"
     "open(sys.argv[2] + '/a.txt', 'w').write('|'.join(map(str, parts)))\n")

B_CELLS = ("%%time\nimport nbhelper",
           "import os\ntext = open(os.path.join(mid, 'a.txt')).read()\n"
           "open(os.path.join(end, 'b.txt'), 'w').write(text + '|' + str(nbhelper.V) + '|b{v}')")


def build(project: Path, param: int) -> Pipeline:
    mid, end = PipelineData("mid"), PipelineData("end")
    raw = Dataset.File.from_files(project / "data.txt").as_named_input("raw")
    p = PipelineParameter("p", param)
    a = PythonScriptStep(name="a", script_name="jobs/a.py", source_directory=project,
                         inputs=[raw], outputs=[mid], arguments=[raw, mid, p])
    b = NotebookStep(name="b", notebook=project / "steps" / "b.ipynb", inputs=[mid],
                     outputs=[end])
    return Pipeline(Workspace(project), [b], name="prop")


def contents(run) -> dict[str, str]:
    return {f"{s.name}/{f.name}": f.read_text() for s in run.get_steps()
            for folder in s.outputs.values() for f in sorted(Path(folder).iterdir())}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def rewrite_keeping_size_and_mtime(folder: str) -> None:
    for f in Path(folder).iterdir():
        st = os.stat(f)
        os.chmod(f, 0o644)
        text = f.read_text()
        f.write_text(text[::-1] if text[::-1] != text else "#" * len(text))
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))


EDITS = {
    "helper": lambda p, v: write(p / "jobs" / "helpers.py", f"V = 'h{v}'\n"),
    "namespace": lambda p, v: write(p / "jobs" / "nspkg" / "tool.py", f"V = 't{v}'\n"),
    "init": lambda p, v: write(p / "jobs" / "lib" / "__init__.py", f"V = 'i{v}'\n"),
    "magic": lambda p, v: write(p / "steps" / "nbhelper.py", f"V = 'n{v}'\n"),
    "undeclared": lambda p, v: write(p / "conf" / "x.txt", f"c{v}"),
    "data": lambda p, v: write(p / "data.txt", "x" * (v + 1)),
    "script": lambda p, v: write_notebook(p / "steps" / "b.ipynb", "mid = None\nend = None",
                                          B_CELLS[0], B_CELLS[1].format(v=v)),
}
edit_kinds = st.sampled_from([*EDITS, "param", "env", "distribution", "rewrite"])
edits = st.lists(st.tuples(edit_kinds, st.integers(0, 2)), min_size=1, max_size=4)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
@example([("helper", 1)]).via("a helper beside a script in a subfolder")
@example([("namespace", 1)]).via("a namespace package")
@example([("init", 1)]).via("a package's __init__")
@example([("magic", 1)]).via("a helper imported in a %%time cell")
@example([("undeclared", 1)]).via("a file read without being declared")
@example([("env", 1)]).via("an environment variable")
@example([("distribution", 1)]).via("an installed package's version")
@example([("rewrite", 1)]).via("an output rewritten with its old size and mtime")
def test_every_run_matches_a_run_without_reuse(sequence):
    project = Path(tempfile.mkdtemp(prefix="prop-"))
    site = project.parent / f"{project.name}-site"
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PROP_ENV")}
    try:
        write(project / "jobs" / "a.py", A)
        for kind in EDITS:
            EDITS[kind](project, 0)
        install(site, "1.0")
        os.environ["PYTHONPATH"] = str(site)
        param = 0
        last = build(project, param).submit("prop")   # each edit meets an earlier result
        assert last.wait_for_completion(show_output=False) == "Finished", last.get_steps()
        for action, value in sequence:
            if action in EDITS:
                EDITS[action](project, value)
            elif action == "param":
                param = value
            elif action == "env":
                os.environ["PROP_ENV"] = f"e{value}"
            elif action == "distribution":
                install(site, f"1.{value + 1}")
            else:   # rewrite an output of the last run, its size and mtime kept
                rewrite_keeping_size_and_mtime(last.get_step("a").outputs["mid"])
            reused = build(project, param).submit("prop")
            assert reused.wait_for_completion(show_output=False) == "Finished", reused.get_steps()
            fresh = build(project, param).submit("prop", regenerate_outputs=True)
            assert fresh.wait_for_completion(show_output=False) == "Finished"
            assert contents(reused) == contents(fresh), sequence
            last = reused
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(site.with_name(site.name + "-wheels"), ignore_errors=True)
