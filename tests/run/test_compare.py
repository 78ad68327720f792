"""run.compare: parameters and metrics of runs, for tables and plots."""
from pipeline_widget import Pipeline, PipelineParameter, PythonScriptStep
from pipeline_widget.run.compare import columns, series, summaries
from tests.conftest import write_script


def test_summaries_columns_and_series(ws, project):
    write_script(project / "m.py", "import sys\nfrom pipeline_widget import Run\n"
                 "Run.get_context().log('score', float(sys.argv[1]) * 2)\n"
                 "Run.get_context().log('label', 'x')\n")
    k = PipelineParameter("k", 1.0)
    step = PythonScriptStep(name="m", script_name="m.py", source_directory=project, arguments=[k])
    for value in (1.0, 3.0):
        run = Pipeline(ws, [step], name="cmp").submit("cmp", pipeline_parameters={"k": value})
        assert run.wait_for_completion(show_output=False) == "Finished"
    runs = summaries(ws)
    assert [r.parameters for r in runs] == [{"k": 1.0}, {"k": 3.0}]
    assert columns(runs) == (["k"], ["m.score", "m.label"])
    assert [v for _, v in series(runs, "m.score")] == [2.0, 6.0]
    assert series(runs, "m.label") == []  # not a number: nothing to plot
