"""Environments per step: what a script step in another interpreter costs against the
runner's own, and what checking a step's environment identity costs when nothing changed.

Medians within one run:
- a trivial script step run in a virtual environment made here (its own interpreter)
  against the same step in the runner's Python (milliseconds added);
- the environment identity of 100 steps (interpreter, its Python version, variables with a
  reference), remembered by stat, per step.
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 7
INTERPRETER_TARGET_MS = 50.0
IDENTITY_TARGET_MS = 5.0


def _step_seconds(project: Path, interpreter: str | None, k: int) -> float:
    from pipeline_widget import Pipeline, PipelineData, PythonScriptStep, Workspace

    out = PipelineData("out")
    step = PythonScriptStep(name="s", script_name="s.py", source_directory=project,
                            arguments=[out, str(k)], outputs=[out], interpreter=interpreter)
    pipeline = Pipeline(Workspace(project), [step], name="env")
    start = time.perf_counter()
    run = pipeline.submit("bench", regenerate_outputs=True)
    assert run.wait_for_completion(show_output=False) == "Finished"
    steps = run.get_steps()
    return (steps[0].end_time or 0) - (steps[0].start_time or 0) or time.perf_counter() - start


def main() -> bool:
    import os

    from pipeline_widget import PythonScriptStep
    from pipeline_widget.run import environments
    from pipeline_widget.run.reuse.digests import DigestMemo

    root = Path(tempfile.mkdtemp(prefix="bench-env-"))
    try:
        venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        project = root / "project"
        project.mkdir()
        (project / "s.py").write_text("import sys\nopen(sys.argv[1] + '/x.txt', 'w')"
                                      ".write(sys.argv[2])\n")
        own, other = [], []
        for k in range(ROUNDS):
            own.append(_step_seconds(project, None, k))
            other.append(_step_seconds(project, str(venv / "bin" / "python"), k))
        added_ms = (statistics.median(other) - statistics.median(own)) * 1000

        os.environ["BENCH_TOKEN"] = "secret"
        memo = DigestMemo(root / "digests.json", project)
        steps = [PythonScriptStep(name=f"s{k}", script_name="s.py", source_directory=project,
                                  interpreter=str(venv / "bin" / "python"),
                                  environment={"MODE": "x", "TOKEN": "${BENCH_TOKEN}"})
                 for k in range(100)]
        for step in steps:   # the first look asks the interpreter once
            environments.identity(step, None, environments.interpreter_for(step),
                                  environments.resolved_environment(step), memo)
        rounds = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for step in steps:
                environments.identity(step, None, environments.interpreter_for(step),
                                      environments.resolved_environment(step), memo)
            rounds.append((time.perf_counter() - start) / len(steps))
        per_step_ms = statistics.median(rounds) * 1000
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ok_interpreter = added_ms <= INTERPRETER_TARGET_MS
    ok_identity = per_step_ms <= IDENTITY_TARGET_MS
    print(f"script step in another interpreter   {added_ms:+.1f} ms against the runner's own  "
          f"target <= +{INTERPRETER_TARGET_MS:.0f} ms  {'PASS' if ok_interpreter else 'FAIL'}")
    print(f"environment identity, nothing changed  {per_step_ms:.3f} ms a step  "
          f"target <= {IDENTITY_TARGET_MS:.0f} ms  {'PASS' if ok_identity else 'FAIL'}")
    return ok_interpreter and ok_identity
