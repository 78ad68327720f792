import pytest

from pipeline_widget import NotebookStep, PipelineData, PipelineError, PipelineParameter
from pipeline_widget.core.names import step_slug


@pytest.mark.parametrize("name", ["prepped", "_x", "a1", "Model_2"])
def test_identifier_names_are_accepted(name):
    assert PipelineData(name).name == name


@pytest.mark.parametrize("name", ["a-b", "1abc", "a/b", "..", "", "a b", "class", None])
def test_bad_pipeline_data_names_are_refused_with_the_rule(name):
    with pytest.raises(PipelineError) as err:
        PipelineData(name)
    assert "[A-Za-z_][A-Za-z0-9_]*" in str(err.value) or "keyword" in str(err.value)


def test_pipeline_parameter_names_follow_the_same_rule():
    with pytest.raises(PipelineError, match=r"\[A-Za-z_\]"):
        PipelineParameter("learning-rate", 0.1)


@pytest.mark.parametrize("name", ["a/b", "a\\b", "..", "x..y", "tab\there", "nl\n", ""])
def test_bad_step_names_are_refused(tmp_path, name):
    with pytest.raises(PipelineError):
        NotebookStep(name, tmp_path / "x.ipynb")


def test_step_names_may_hold_spaces_and_never_become_raw_folder_names():
    assert NotebookStep("prepare data", "x.ipynb").name == "prepare data"
    slug = step_slug("prepare data")
    assert " " not in slug and slug.startswith("prepare_data-")
    assert step_slug("a b") != step_slug("a_b")  # distinct names, distinct folders


@pytest.mark.parametrize("name", ["train\u202eledom", "train\u200bmodel", "\ufefftrain",
                                  "a\u2066b\u2069", "x\u200dy"])
def test_step_names_with_invisible_or_bidi_characters_are_refused(tmp_path, name):
    with pytest.raises(PipelineError, match="invisible or direction-changing") as err:
        NotebookStep(name, tmp_path / "x.ipynb")
    assert "\\u" in str(err.value)  # shown escaped: the message itself cannot mislead


def test_distinct_names_with_the_same_slug_get_their_own_record_folders(ws, project):
    from pipeline_widget import Pipeline, PythonScriptStep, Run  # noqa: F401
    from tests.conftest import write_script

    script = write_script(project / "log.py", "import sys\nfrom pipeline_widget import Run\n"
                          "Run.get_context().log('who', sys.argv[1])\n")
    names = ["train))%model", "train+;(model"]  # one 24-bit digest: the old folder names
    steps = [PythonScriptStep(name=n, script_name="log.py", source_directory=project,
                              arguments=[n]) for n in names]
    run = Pipeline(ws, steps, name="same").submit("same")
    assert run.wait_for_completion(show_output=False) == "Finished"
    for n in names:
        assert run.get_step(n).get_metrics() == {"who": n}


def test_experiment_names_derived_from_a_pipeline_name_are_always_valid():
    from pipeline_widget.core.names import check_experiment_name, experiment_name_for

    for name in ["-prep", ".hidden", "--", "a b", "ü", "x" * 200, "_x_"]:
        assert check_experiment_name(experiment_name_for(name))
    assert experiment_name_for("-prep") == "prep"


def test_even_steps_whose_folder_names_collide_get_their_own_folders(ws, project, monkeypatch):
    from pipeline_widget import Pipeline, PythonScriptStep
    from pipeline_widget.run.plan import build
    from tests.conftest import write_script

    monkeypatch.setattr(build, "step_slug", lambda name: "same-000000000000")
    write_script(project / "s.py", "pass\n")
    steps = [PythonScriptStep(name=n, script_name="s.py", source_directory=project)
             for n in ("a", "b", "c")]
    run = Pipeline(ws, steps, name="collide").submit("collide")
    assert run.wait_for_completion(show_output=False) == "Finished"
    folders = {run.get_step(n).record_dir for n in ("a", "b", "c")}
    assert len(folders) == 3


def test_a_step_slug_fits_any_file_systems_name_limit():
    from pipeline_widget.core.names import NAME_MAX, STEP_NAME_MAX

    longest = step_slug("ü" * STEP_NAME_MAX)
    assert len(step_slug("x" * STEP_NAME_MAX).encode()) <= 53 and longest.isascii()
    assert len(longest.encode()) < NAME_MAX
