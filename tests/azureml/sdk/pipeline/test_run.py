"""A pipeline run as v1 code reads it: outputs by name, the run published as a pipeline,
experiments and their runs."""
from __future__ import annotations

import pytest

from pipeline_widget.azureml import submitted
from pipeline_widget.azureml.sdk.core import Experiment, Workspace
from pipeline_widget.azureml.sdk.pipeline.core import Pipeline, PipelineData, PublishedPipeline
from pipeline_widget.azureml.sdk.pipeline.steps import PythonScriptStep
from pipeline_widget.core.errors import PipelineError


def test_outputs_publishing_and_experiments(project):
    (project / "code").mkdir()
    (project / "code" / "make.py").write_text(
        "import sys, os\nopen(os.path.join(sys.argv[1], 'x.txt'), 'w').write('x')\n")
    ws = Workspace(folder=project)
    made = PipelineData("made")
    step = PythonScriptStep(name="make", script_name="make.py",
                            source_directory=project / "code", arguments=[made],
                            outputs=[made])
    run = Experiment(ws, "outputs").submit(Pipeline(ws, [step]), tags={"why": "test"})
    assert run.wait_for_completion(show_output=False) == "Finished"
    out = run.get_pipeline_output("made")
    assert (project / out.path_on_datastore / "x.txt").read_text() == "x"
    fetched = out.download(str(project / "fetched"))
    assert (project / "fetched" / "made" / "x.txt").is_file() and fetched.endswith("made")
    with pytest.raises(PipelineError, match="has no output named 'nothing'"):
        run.get_pipeline_output("nothing")
    published = run.publish_pipeline(name="from-run", description="d", version="3")
    assert PublishedPipeline.get(ws, published.id).version == "3"
    again = Experiment(ws, "outputs").submit(published)
    assert again.wait_for_completion(show_output=False) == "Finished"
    assert [r.id for r in ws.experiments["outputs"].get_runs()] == [again.id, run.id]
    assert run.get_details()["tags"] == {"why": "test"}
    submitted.clear()


def test_a_dataset_passed_as_itself_is_refused_with_the_fix(project):
    (project / "d.csv").write_text("a\n1\n")
    from pipeline_widget.azureml.sdk.core import Dataset

    ws = Workspace(folder=project)
    table = Dataset.Tabular.from_delimited_files(str(project / "d.csv"))
    step = PythonScriptStep(name="s", script_name="s.py", source_directory=project,
                            arguments=["--data", table])
    with pytest.raises(PipelineError, match=r"as_named_input\('name'\)"):
        Pipeline(ws, [step]).local_pipeline()
