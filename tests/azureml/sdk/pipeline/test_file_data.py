"""PipelineData(is_directory=False) is a file, as in v1: the producer and the consumer both
get the file's path (its folder made, the file not)."""
from __future__ import annotations

import textwrap

from tests.azureml.conftest import azureml_cli

SCRIPT = textwrap.dedent('''
    from azureml.core import Experiment, Workspace
    from azureml.pipeline.core import Pipeline, PipelineData
    from azureml.pipeline.steps import PythonScriptStep
    ws = Workspace.from_config()
    report = PipelineData("report", is_directory=False)
    write = PythonScriptStep(name="write", script_name="write.py", source_directory="code",
                             arguments=["--to", report], outputs=[report])
    read = PythonScriptStep(name="read", script_name="read.py", source_directory="code",
                            arguments=["--from", report], inputs=[report])
    run = Experiment(ws, "files").submit(Pipeline(ws, [read]))
    run.wait_for_completion(show_output=False)
    print("SAW", run.find_step_run("read")[0].get_metrics())
''')


def test_a_file_pipeline_data_is_a_file_path(tmp_path):
    project = tmp_path / "files"
    (project / "code").mkdir(parents=True)
    (project / "code" / "helper.py").write_text("WORD = 'hello'\n")
    (project / "code" / "write.py").write_text(textwrap.dedent('''
        import argparse, os
        from helper import WORD
        cli = argparse.ArgumentParser(); cli.add_argument("--to"); path = cli.parse_args().to
        assert os.path.isdir(os.path.dirname(path)) and not os.path.exists(path)
        open(path, "w").write(WORD)
    '''))
    (project / "code" / "read.py").write_text(textwrap.dedent('''
        import argparse, os
        from azureml.core import Run
        cli = argparse.ArgumentParser(); cli.add_argument("--from"); a = cli.parse_args()
        path = getattr(a, "from")
        Run.get_context().log("text", [os.path.basename(path), open(path).read()])
    '''))
    (project / "config.json").write_text("{}")
    (project / "files.py").write_text(SCRIPT)
    res = azureml_cli(project, "files.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SAW {'text': ['report', 'hello']}" in res.stdout
