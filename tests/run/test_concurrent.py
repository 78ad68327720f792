"""Two command-line runs of one pipeline on one workspace at the same time."""
import json
import subprocess
from pathlib import Path

from tests.conftest import PYTHON, write_notebook, write_script

WAIT = 120  # seconds: a bound for the two runs to meet, never a measured time

# The first step waits until the other run's first step is running too, so the two runs
# certainly overlap; each writes its own step run id, to prove whose folder is whose.
MEET = """import os, time
from pipeline_widget import Run
me = Run.get_context().id
open(os.path.join(MEET, me), 'w').write(me)
deadline = time.time() + {wait}
while len(os.listdir(MEET)) < 2:
    assert time.time() < deadline, 'the other run never came'
    time.sleep(0.05)
open(os.path.join(raw, 'who.txt'), 'w').write(me)"""


def make_pipeline(project: Path) -> Path:
    meet = project / "meet"
    meet.mkdir()
    write_notebook(project / "first.ipynb", f"raw = None\nMEET = {str(meet)!r}",
                   MEET.format(wait=WAIT))
    write_notebook(project / "second.ipynb", "raw = None\nmodel = None",
                   "import os\nfrom pipeline_widget import Run\n"
                   "text = open(os.path.join(raw, 'who.txt')).read()\n"
                   "open(os.path.join(model, 'who.txt'), 'w').write(text + ' ' + Run.get_context().id)")
    write_script(project / "src" / "report.py",
                 "import os, sys\nfrom pipeline_widget import Run\n"
                 "open(os.path.join(sys.argv[2], 'who.txt'), 'w').write("
                 "open(os.path.join(sys.argv[1], 'who.txt')).read() + ' ' + Run.get_context().id)\n")
    path = project / "both.pipeline.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "both", "steps": [
        {"type": "notebook", "name": "first", "notebook": "first.ipynb", "outputs": ["raw"]},
        {"type": "notebook", "name": "second", "notebook": "second.ipynb",
         "inputs": [{"data": "raw"}], "outputs": ["model"]},
        {"type": "python_script", "name": "report", "script_name": "report.py",
         "source_directory": "src", "inputs": [{"data": "model"}], "outputs": ["report"],
         "arguments": [{"data": "model"}, {"data": "report"}]}]}))
    return path


def cli(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "pipeline_widget", *args], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_at_once_finish_apart_and_leave_a_consistent_workspace(project):
    path = make_pipeline(project)
    procs = [cli(project, "run", str(path)) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, out + err
        assert "(3 ran, 0 reused)" in out

    root = project / "pipeline_workspace"
    records = [json.loads(p.read_text()) for p in root.glob("runs/*/run.json")]
    assert len(records) == 2 and {r["status"] for r in records} == {"Finished"}
    assert records[0]["run_id"] != records[1]["run_id"]
    folders = [[*[s["record_dir"] for s in r["steps"].values()],
                *[f for s in r["steps"].values() for f in s["outputs"].values()]] for r in records]
    assert not set(folders[0]) & set(folders[1])  # never the same folder
    for r in records:  # each run's data is its own, from end to end
        ids = [r["steps"][n]["step_run_id"] for n in ("first", "second", "report")]
        report = project / r["steps"]["report"]["outputs"]["report"] / "who.txt"  # relative
        assert report.read_text() == " ".join(ids)

    # the cache and the run list are whole: valid JSON everywhere, no temporary file left
    for f in root.rglob("*.json"):
        json.loads(f.read_text())
    assert not list(root.rglob("*.tmp"))
    listing = subprocess.run([PYTHON, "-m", "pipeline_widget", "runs"], cwd=project,
                             capture_output=True, text=True, timeout=120)
    assert all(r["run_id"] in listing.stdout for r in records)
    assert listing.stdout.count("Finished") == 2

    third = cli(project, "run", str(path))
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0 and "(0 ran, 3 reused)" in out, out + err
    latest = max((json.loads(p.read_text()) for p in root.glob("runs/*/run.json")),
                 key=lambda r: r["start_time"])
    # each step's entry is one of the two runs' (equal fingerprints: either is right)
    for name, step in latest["steps"].items():
        (origin,) = [r for r in records if r["run_id"] == step["reused_from"]]
        assert step["outputs"] == origin["steps"][name]["outputs"]
        assert all((project / f).is_dir() for f in step["outputs"].values())
