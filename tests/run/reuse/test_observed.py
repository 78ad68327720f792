"""Reuse decided from what a step really read: each way a guessed dependency would hand back
a stale result, run for real (scripts in processes, notebooks in kernels)."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline_widget import NotebookStep, Pipeline, PipelineData, PythonScriptStep, Workspace
from pipeline_widget.run.reuse.reads import TRACE_FILE
from pipeline_widget.run.reuse.tracer import read_trace
from tests.conftest import write_notebook, write_script
from tests.run.reuse.distributions import install

WRITE = "open(os.path.join(out, 'v.txt'), 'w').write(str(value))"


def run(pipeline: Pipeline) -> dict:
    handle = pipeline.submit("observed")
    assert handle.wait_for_completion(show_output=False) == "Finished", handle.get_steps()
    return {s.name: s for s in handle.get_steps()}


def value(step) -> str:
    return (Path(step.outputs["out"]) / "v.txt").read_text()


def notebook_pipeline(ws: Workspace, project: Path, *cells: str) -> Pipeline:
    nb = write_notebook(project / "steps" / "use.ipynb", "out = None", *cells)
    return Pipeline(ws, [NotebookStep("use", nb, outputs=[PipelineData("out")])], name="obs")


def script_pipeline(ws: Workspace, project: Path, script: str, body: str,
                    source_directory: Path | None = None) -> Pipeline:
    write_script((source_directory or project / "steps") / script, body)
    out = PipelineData("out")
    step = PythonScriptStep(name="use", script_name=script,
                            source_directory=source_directory or project / "steps",
                            outputs=[out], arguments=[out])
    return Pipeline(ws, [step], name="obs")


def changes_rerun(pipeline_of, edit, reason: str, before: str, after: str) -> None:
    """Run, check the unchanged re-run is reused, edit, check the step runs again with
    `reason` and gives the new value."""
    first = run(pipeline_of())["use"]
    assert value(first) == before
    assert run(pipeline_of())["use"].is_reused
    edit()
    again = run(pipeline_of())["use"]
    assert not again.is_reused, "a stale result was reused"
    assert again.why_not_reused == [reason]
    assert value(again) == after


def test_a_helper_imported_in_a_time_magic_cell(ws, project):
    helper = write_script(project / "steps" / "helpers.py", "VALUE = 1\n")
    changes_rerun(lambda: notebook_pipeline(ws, project, "%%time\nimport os, helpers\n"
                                            "value = helpers.VALUE\n" + WRITE),
                  lambda: helper.write_text("VALUE = 2\n"),
                  "steps/helpers.py changed (read by the step in its last run)", "1", "2")


def test_a_capture_magic_cell(ws, project):
    helper = write_script(project / "steps" / "helpers.py", "VALUE = 1\n")
    changes_rerun(lambda: notebook_pipeline(ws, project, "%%capture\nimport helpers",
                                            "import os\nvalue = helpers.VALUE\n" + WRITE),
                  lambda: helper.write_text("VALUE = 2\n"),
                  "steps/helpers.py changed (read by the step in its last run)", "1", "2")


def test_a_package_init_that_python_runs(ws, project):
    write_script(project / "steps" / "lib" / "plots.py", "from . import SCALE\nVALUE = SCALE\n")
    init = write_script(project / "steps" / "lib" / "__init__.py", "SCALE = 1\n")
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", "import os, sys, lib.plots\n"
                                          "out = sys.argv[1]\nvalue = lib.plots.VALUE\n" + WRITE),
                  lambda: init.write_text("SCALE = 3\n"),
                  "steps/lib/__init__.py changed (read by the step in its last run)", "1", "3")


def test_a_namespace_package_without_init(ws, project):
    tool = write_script(project / "steps" / "helpers" / "tool.py", "VALUE = 1\n")
    changes_rerun(lambda: notebook_pipeline(ws, project, "import os\nfrom helpers import tool\n"
                                            "value = tool.VALUE\n" + WRITE),
                  lambda: tool.write_text("VALUE = 2\n"),
                  "steps/helpers/tool.py changed (read by the step in its last run)", "1", "2")


def test_a_helper_beside_a_script_in_a_subfolder(ws, project):
    helper = write_script(project / "jobs" / "helpers.py", "VALUE = 1\n")
    write_script(project / "helpers.py", "VALUE = 'the wrong one'\n")
    changes_rerun(lambda: script_pipeline(ws, project, "jobs/train.py",
                                          "import os, sys, helpers\nout = sys.argv[1]\n"
                                          "value = helpers.VALUE\n" + WRITE, project),
                  lambda: helper.write_text("VALUE = 2\n"),
                  "jobs/helpers.py changed (read by the step in its last run)", "1", "2")


def test_an_absolute_import_inside_a_package_finds_the_right_module(ws, project):
    write_script(project / "steps" / "pkg" / "__init__.py", "")
    write_script(project / "steps" / "pkg" / "mod.py", "import utils\nVALUE = utils.VALUE\n")
    write_script(project / "steps" / "pkg" / "utils.py", "VALUE = 'not this one'\n")
    right = write_script(project / "steps" / "utils.py", "VALUE = 1\n")
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", "import os, sys\n"
                                          "from pkg import mod\nout = sys.argv[1]\n"
                                          "value = mod.VALUE\n" + WRITE),
                  lambda: right.write_text("VALUE = 2\n"),
                  "steps/utils.py changed (read by the step in its last run)", "1", "2")


def test_a_module_imported_by_name_at_run_time(ws, project):
    helper = write_script(project / "steps" / "plugin_a.py", "VALUE = 1\n")
    changes_rerun(lambda: notebook_pipeline(ws, project, "import importlib, os\n"
                                            "value = importlib.import_module('plugin_' + 'a').VALUE\n"
                                            + WRITE),
                  lambda: helper.write_text("VALUE = 2\n"),
                  "steps/plugin_a.py changed (read by the step in its last run)", "1", "2")


def test_code_run_with_exec_open(ws, project):
    conf = write_script(project / "steps" / "settings.py", "value = 1\n")
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", "import os, sys\nout = sys.argv[1]\n"
                                          "exec(open('settings.py').read())\n" + WRITE),
                  lambda: conf.write_text("value = 2\n"),
                  "steps/settings.py changed (read by the step in its last run)", "1", "2")


def test_a_data_file_read_without_being_declared(ws, project):
    data = project / "conf" / "x.csv"
    data.parent.mkdir()
    data.write_text("a\n1\n")
    changes_rerun(lambda: notebook_pipeline(ws, project, "import os\n"
                                            "value = open('../conf/x.csv').read().split()[-1]\n"
                                            + WRITE),
                  lambda: data.write_text("a\n2\n"),
                  "conf/x.csv changed (read by the step in its last run)", "1", "2")


def test_a_file_that_was_missing_then_appears(ws, project):
    body = ("import os, sys\nout = sys.argv[1]\ntry:\n    value = open('extra.txt').read()\n"
            "except FileNotFoundError:\n    value = 'none'\n" + WRITE)
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", body),
                  lambda: (project / "steps" / "extra.txt").write_text("here"),
                  "steps/extra.txt appeared (read by the step in its last run)", "none", "here")


def test_a_folder_listed_by_glob(ws, project):
    (project / "inbox").mkdir()
    (project / "inbox" / "a.txt").write_text("")
    body = ("import glob, os, sys\nout = sys.argv[1]\n"
            "value = len(glob.glob('../inbox/*.txt'))\n" + WRITE)
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", body),
                  lambda: (project / "inbox" / "b.txt").write_text(""),
                  "the files in inbox changed (listed by the step in its last run)", "1", "2")


def test_the_project_folder_itself_listed_by_glob(ws, project):
    (project / "a.csv").write_text("")
    body = ("import glob, os, sys\nout = sys.argv[1]\n"
            "value = len(glob.glob('../*.csv'))\n" + WRITE)
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", body),
                  lambda: (project / "b.csv").write_text(""),
                  "the files in the project folder changed (listed by the step in its last run)",
                  "1", "2")


def test_an_environment_variable_the_step_reads(ws, project, monkeypatch):
    monkeypatch.setenv("OBSERVED_SCALE", "1")
    changes_rerun(lambda: notebook_pipeline(ws, project, "import os\n"
                                            "value = os.environ.get('OBSERVED_SCALE')\n" + WRITE),
                  lambda: monkeypatch.setenv("OBSERVED_SCALE", "2"),
                  "environment variable OBSERVED_SCALE changed (read by the step in its last run)",
                  "1", "2")


def test_an_environment_variable_read_with_getenv_in_a_script(ws, project, monkeypatch):
    monkeypatch.delenv("OBSERVED_MODE", raising=False)
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", "import os, sys\nout = sys.argv[1]\n"
                                          "value = os.getenv('OBSERVED_MODE', 'off')\n" + WRITE),
                  lambda: monkeypatch.setenv("OBSERVED_MODE", "on"),
                  "environment variable OBSERVED_MODE is now set (read by the step in its last "
                  "run)", "off", "on")


def test_unread_environment_variables_and_files_change_nothing(ws, project, monkeypatch):
    pipeline = lambda: script_pipeline(ws, project, "s.py",  # noqa: E731
                                       "import os, sys\nout = sys.argv[1]\nvalue = 1\n" + WRITE)
    run(pipeline())
    monkeypatch.setenv("SOMETHING_UNREAD", "x")
    (project / "unrelated.txt").write_text("x")
    assert run(pipeline())["use"].is_reused


def test_a_step_that_ends_without_a_normal_exit_is_not_kept(ws, project):
    pipeline = lambda: script_pipeline(ws, project, "s.py", "import os, sys\nout = sys.argv[1]\n"  # noqa: E731
                                       "value = 1\n" + WRITE + "\nos._exit(0)\n")
    first = run(pipeline())["use"]
    assert any("could not be recorded" in n for n in first.notes)
    assert not run(pipeline())["use"].is_reused


def test_the_read_set_is_kept_with_the_step_run(ws, project):
    write_script(project / "steps" / "helpers.py", "VALUE = 1\n")
    step = run(script_pipeline(ws, project, "s.py", "import os, sys, helpers\nout = sys.argv[1]\n"
                               "value = helpers.VALUE\n" + WRITE))["use"]
    trace = read_trace(Path(step.record_dir) / TRACE_FILE)
    names = [Path(f).name for f in trace["files"]]
    assert "helpers.py" in names and "s.py" in names
    assert not any("site-packages" in f for f in trace["files"])


def test_output_rewritten_with_its_size_and_mtime_restored_is_not_reused(ws, project):
    pipeline = lambda: script_pipeline(ws, project, "s.py", "import os, sys\n"  # noqa: E731
                                       "out = sys.argv[1]\nvalue = 1\n" + WRITE)
    first = run(pipeline())["use"]
    out = Path(first.outputs["out"]) / "v.txt"
    before = os.stat(out)
    os.chmod(out, 0o644)
    out.write_text("9")                                  # same size
    os.utime(out, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = run(pipeline())["use"]
    assert not again.is_reused
    assert again.why_not_reused == ["output 'out' changed after its run (v.txt changed)"]
    assert value(again) == "1"


def test_a_project_reached_through_a_symlink_keeps_its_reuse(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    write_script(real / "helpers.py", "VALUE = 1\n")
    body = "import os, sys, helpers\nout = sys.argv[1]\nvalue = helpers.VALUE\n" + WRITE
    first = run(script_pipeline(Workspace(real), real, "make.py", body, real))["use"]
    via_link = run(script_pipeline(Workspace(link), link, "make.py", body, link))["use"]
    assert via_link.is_reused, via_link.why_not_reused
    (real / "helpers.py").write_text("VALUE = 2\n")
    again = run(script_pipeline(Workspace(link), link, "make.py", body, link))["use"]
    assert not again.is_reused and value(again) == "2"
    assert again.why_not_reused == ["helpers.py changed (read by the step in its last run)"]
    assert value(first) == "1"


def test_an_installed_package_upgrade_runs_the_step_again(ws, project, monkeypatch):
    site = project.parent / "site"
    install(site, "1.0")
    monkeypatch.setenv("PYTHONPATH", str(site))
    changes_rerun(lambda: script_pipeline(ws, project, "s.py", "import os, sys, obsdist\n"
                                          "out = sys.argv[1]\nvalue = obsdist.VERSION\n" + WRITE),
                  lambda: install(site, "1.1"), "obsdist 1.0 -> 1.1", "1.0", "1.1")


def test_a_step_reading_a_flood_of_project_files_is_capped_with_a_note(ws, project):
    """Beyond KEPT_FILES project files read, a read set is not kept (it could not be checked
    cheaply): the result is used by the run, not stored for reuse, and the record says why.
    Files read under a dataset the step declares are not counted."""
    from pipeline_widget.run.reuse.reads import KEPT_FILES

    folder = project / "many"
    folder.mkdir()
    for i in range(KEPT_FILES + 10):
        (folder / f"f{i}.txt").write_text("x")
    body = ("import os, sys\nout = sys.argv[1]\n"
            "value = sum(len(open(os.path.join('../many', n)).read()) "
            "for n in os.listdir('../many'))\n" + WRITE)
    first = run(script_pipeline(ws, project, "s.py", body))["use"]
    assert value(first) == str(KEPT_FILES + 10)
    assert any(f"more than {KEPT_FILES:,} files" in n for n in first.notes)
    again = run(script_pipeline(ws, project, "s.py", body))["use"]
    assert not again.is_reused
