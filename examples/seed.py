"""The seed example with the Python API: prepare data -> train model, linked by PipelineData.

Run it from the repository root: `python examples/seed.py`. It also (re)writes
examples/seed.pipeline.json, the same pipeline as a file for the CLI.
"""
from pathlib import Path

from pipeline_widget import (Dataset, NotebookStep, Pipeline, PipelineData, PipelineParameter,
                             PythonScriptStep, Workspace)

ROOT = Path(__file__).resolve().parent.parent


def build(ws: Workspace) -> Pipeline:
    store = ws.get_default_datastore()
    raw = Dataset.Tabular.from_delimited_files(ROOT / "data" / "raw.csv").register(
        ws, "raw_dataset", create_new_version=True)
    prepped = PipelineData("prepped", datastore=store)
    model = PipelineData("model", datastore=store)
    alpha = PipelineParameter("alpha", default_value=0.5)
    step1 = PythonScriptStep(name="prepare data", source_directory=ROOT / "steps",
                             script_name="data_prep.py",
                             inputs=[raw.as_named_input("raw_data")],
                             outputs=[prepped], arguments=["--folder", prepped])
    step2 = NotebookStep(name="train model", notebook=ROOT / "steps" / "train_model.ipynb",
                         inputs=[prepped], outputs=[model], parameters={"alpha": alpha})
    return Pipeline(workspace=ws, steps=[step2], name="seed")


if __name__ == "__main__":
    ws = Workspace(ROOT)
    pipeline = build(ws)
    problems = pipeline.validate()
    assert not problems, problems
    pipeline.save(ROOT / "examples" / "seed.pipeline.json")
    run = pipeline.submit("seed")
    status = run.wait_for_completion(show_output=True)
    for step in run.get_steps():
        print(f"{step.name}: {step.display_status}; outputs {step.outputs}")
    raise SystemExit(0 if status == "Finished" else 1)
