"""v1's step kinds and graph rules, in one v1 script run here: run_after, producers pulled
in through every kind of data, two steps of one name, a script importing from its source
folder, NotebookRunnerStep on a cloud kernel, a published Module run by ModuleSteps,
CommandStep and ScriptRunConfig(command=...)."""
from __future__ import annotations

import json
import textwrap

from tests.azureml.conftest import azureml_cli
from tests.conftest import write_notebook

SCRIPT = textwrap.dedent('''
    from azureml.core import Experiment, ScriptRunConfig, Workspace
    from azureml.contrib.notebook import AzureMLNotebookHandler, NotebookRunConfig, NotebookRunnerStep
    from azureml.data import OutputFileDatasetConfig
    from azureml.pipeline.core import (InputPortDef, Module, OutputPortDef, Pipeline,
                                       PipelineData, PipelineParameter)
    from azureml.pipeline.steps import CommandStep, ModuleStep, PythonScriptStep

    ws = Workspace.from_config()
    raw = PipelineData("raw", datastore=ws.get_default_datastore())
    made = PythonScriptStep(name="make", script_name="jobs/make.py", source_directory="src",
                            arguments=["--out", raw], outputs=[raw])
    counted = OutputFileDatasetConfig(name="counted")
    count = CommandStep(name="count", command=["python", "count.py", raw, counted],
                        source_directory="src", inputs=[raw])
    shout = OutputFileDatasetConfig(name="shout")
    loud = PythonScriptStep(name="loud", script_name="loud.py", source_directory="src",
                            arguments=["--data", counted.as_input(), "--out", shout])
    nb = NotebookRunnerStep(name="report", notebook_run_config=NotebookRunConfig(
        source_directory="notebooks", notebook="report.ipynb", handler=AzureMLNotebookHandler(),
        parameters={"title": "sizes"}), inputs=[raw])

    module = Module.create(ws, "stamp", "write a stamp")
    stamp_in, stamp_out = InputPortDef("source"), OutputPortDef("stamped")
    module.publish_python_script("stamp.py", "v1", inputs=[stamp_in], outputs=[stamp_out],
                                 source_directory="src", version="1", is_default=True,
                                 arguments=["--source", stamp_in, "--out", stamp_out])
    first, second = PipelineData("stamped_a"), PipelineData("stamped_b")
    stamp_a = ModuleStep(module=Module.get(ws, name="stamp"), name="stamp",
                         inputs_map={"source": raw}, outputs_map={"stamped": first})
    stamp_b = ModuleStep(module=module, name="stamp",
                         inputs_map={"source": raw}, outputs_map={"stamped": second})
    last = PythonScriptStep(name="last", script_name="last.py", source_directory="src")
    last.run_after(loud)
    last.run_after(nb)
    pipeline = Pipeline(ws, steps=[last, stamp_a, stamp_b])  # the rest comes in as producers
    print("STEPS", sorted(s.name for s in pipeline.local_pipeline().steps))
    run = Experiment(ws, "kinds").submit(pipeline)
    print("STATUS", run.wait_for_completion(show_output=False))
    print("RUN", run.id)

    alone = ScriptRunConfig(source_directory="src", command="python count.py . echo_out")
    single = Experiment(ws, "command").submit(alone)
    print("COMMAND", single.wait_for_completion(show_output=False))
''')

FILES = {
    "src/helpers/__init__.py": "",
    "src/helpers/text.py": "def shout(s):\n    return s.upper() + '!'\n",
    "src/jobs/make.py": textwrap.dedent('''
        import argparse, os
        from helpers.text import shout   # from the source folder, as v1 puts it on sys.path
        out = argparse.ArgumentParser().add_argument("--out") and None
        cli = argparse.ArgumentParser(); cli.add_argument("--out"); a = cli.parse_args()
        open(os.path.join(a.out, "words.txt"), "w").write("one two three")
        print(shout("made"))
    '''),
    "src/count.py": textwrap.dedent('''
        import os, sys
        source, target = sys.argv[1], sys.argv[2]
        os.makedirs(target, exist_ok=True)
        n = sum(len(open(os.path.join(source, f)).read().split()) for f in os.listdir(source)
                if f.endswith(".txt"))
        open(os.path.join(target, "count.txt"), "w").write(str(n))
    '''),
    "src/loud.py": textwrap.dedent('''
        import argparse, os
        from helpers.text import shout
        cli = argparse.ArgumentParser(); cli.add_argument("--data"); cli.add_argument("--out")
        a = cli.parse_args()
        os.makedirs(a.out, exist_ok=True)
        n = open(os.path.join(a.data, "count.txt")).read()
        open(os.path.join(a.out, "loud.txt"), "w").write(shout(n))
    '''),
    "src/stamp.py": textwrap.dedent('''
        import argparse, os
        cli = argparse.ArgumentParser(); cli.add_argument("--source"); cli.add_argument("--out")
        a = cli.parse_args()
        open(os.path.join(a.out, "stamp.txt"), "w").write(",".join(sorted(os.listdir(a.source))))
    '''),
    "src/last.py": "print('last')\n",
}


def test_step_kinds_and_graph_rules(tmp_path):
    project = tmp_path / "kinds"
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    (project / "config.json").write_text("{}")
    nb = write_notebook(project / "notebooks" / "report.ipynb", "title = 'x'\nraw = ''",
                        "import os\nprint(title, sorted(os.listdir(raw)))")
    data = json.loads(nb.read_text())
    data["metadata"]["kernelspec"] = {"name": "python38-azureml", "display_name": "AzureML",
                                      "language": "python"}
    nb.write_text(json.dumps(data))
    (project / "kinds.py").write_text(SCRIPT)

    res = azureml_cli(project, "kinds.py")
    assert res.returncode == 0, res.stdout + res.stderr
    assert ("STEPS ['count', 'last', 'loud', 'make', 'report', 'stamp', 'stamp (2)']"
            in res.stdout)
    assert "STATUS Finished" in res.stdout and "COMMAND Finished" in res.stdout
    assert "kernel 'python38-azureml' of report.ipynb (not installed here" in res.stderr
    run_id = res.stdout.split("RUN ")[1].split()[0]
    record = json.loads((project / "pipeline_workspace" / "runs" / run_id / "run.json").read_text())
    steps = record["steps"]

    def at(step: str, output: str, name: str) -> str:
        return (project / steps[step]["outputs"][output] / name).read_text()

    assert at("count", "counted", "count.txt") == "3"
    assert at("loud", "shout", "loud.txt") == "3!"
    assert at("stamp", "stamped_a", "stamp.txt") == "words.txt"
    assert at("stamp (2)", "stamped_b", "stamp.txt") == "words.txt"
    assert "MADE!" in (project / steps["make"]["stdout"]).read_text()
    executed = (project / steps["report"]["notebook"]).read_text()
    assert "sizes ['words.txt']" in executed
    # run_after: "last" started only after both steps it runs after had ended
    assert steps["last"]["start_time"] >= max(steps["loud"]["end_time"],
                                               steps["report"]["end_time"])
