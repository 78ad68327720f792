"""Parallel branches: independent steps run at once, never more than max_parallel."""
import json
import subprocess

from pipeline_widget import NotebookStep, Pipeline, PipelineData
from tests.conftest import PYTHON, write_notebook


def most_at_once(steps) -> int:
    """The largest number of steps whose [start, end] intervals overlap at one moment."""
    edges = sorted([(s.start_time, 1) for s in steps] + [(s.end_time, -1) for s in steps],
                   key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    now = peak = 0
    for _, change in edges:
        now += change
        peak = max(peak, now)
    return peak


def sleepers(project, n: int, seconds: float, folder: str = "branches") -> list[NotebookStep]:
    steps = []
    for i in range(n):
        out = PipelineData(f"out{i}")
        nb = write_notebook(project / folder / f"b{i}.ipynb", f"out{i} = None",
                            f"import time\ntime.sleep({seconds})")
        steps.append(NotebookStep(f"branch {i}", nb, outputs=[out]))
    return steps


def test_independent_branches_overlap_with_max_parallel_2(ws, project):
    src = PipelineData("src")
    producer = NotebookStep("producer", write_notebook(project / "p.ipynb", "src = None", "pass"),
                            outputs=[src])
    consumers = [NotebookStep(f"c{i}", write_notebook(project / f"c{i}.ipynb", "src = None",
                                                      "import time\ntime.sleep(2)"), inputs=[src])
                 for i in range(2)]
    run = Pipeline(ws, [producer, *consumers]).submit("par", max_parallel=2)
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = {s.name: s for s in run.get_steps()}
    c0, c1 = steps["c0"], steps["c1"]
    assert c0.start_time < c1.end_time and c1.start_time < c0.end_time  # they overlapped
    assert min(c0.start_time, c1.start_time) >= steps["producer"].end_time
    assert run.record.options["max_parallel"] == 2


def test_never_more_than_max_parallel_at_once(ws, project):
    run = Pipeline(ws, sleepers(project, 4, 1)).submit("par", max_parallel=2)
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = run.get_steps()
    assert most_at_once(steps) == 2


def test_cli_max_parallel_1_runs_one_step_at_a_time(ws, project):
    path = Pipeline(ws, sleepers(project, 2, 0.5), name="par").save(project / "par.pipeline.json")
    res = subprocess.run([PYTHON, "-m", "pipeline_widget", "run", str(path), "--max-parallel", "1"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    (run_dir,) = (project / "pipeline_workspace" / "runs").iterdir()
    record = json.loads((run_dir / "run.json").read_text())
    assert record["options"]["max_parallel"] == 1
    intervals = sorted((s["start_time"], s["end_time"]) for s in record["steps"].values())
    assert intervals[0][1] <= intervals[1][0]
