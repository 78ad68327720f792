"""A disk that fills: in a small private file system (a tmpfs mounted in a mount namespace of
its own, as root; skipped otherwise) a step fills it, or another process fills it while steps
run and records are written. The run says what happened (no space left, where), never with a
traceback; the workspace stays readable; the next run on a freed disk finishes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON = sys.executable

SCRIPT = r"""
set -u
M="$1"; OUT="$2"; MODE="$3"
mkdir -p "$M"
mount -t tmpfs -o size=16m tmpfs "$M" || exit 90
mkdir -p "$M/project/steps"
cd "$M/project"
printf 'import sys, time\ntime.sleep(float(sys.argv[2]))\nopen(sys.argv[1] + "/a.txt", "w").write("a")\n' > steps/a.py
printf 'import os, sys\nbig = os.path.exists("fill.flag")\nwith open(sys.argv[2] + "/b.bin", "wb") as f:\n    for i in range(10000 if big else 1):\n        f.write(b"x" * (1 << 20))\n' > steps/fill.py
"$PY" - <<'PYEOF'
from pipeline_widget import Pipeline, PipelineData, PythonScriptStep, Workspace
a, b, c = PipelineData("a"), PipelineData("b"), PipelineData("c")
steps = [PythonScriptStep(name="a", script_name="a.py", source_directory="steps",
                          outputs=[a], arguments=[a, "0.1"]),
         PythonScriptStep(name="slow", script_name="a.py", source_directory="steps",
                          outputs=[c], arguments=[c, "2"]),
         PythonScriptStep(name="fill", script_name="fill.py", source_directory="steps",
                          inputs=[a], outputs=[b], arguments=[a, b])]
Pipeline(Workspace("."), steps, name="df").save("df.pipeline.json")
PYEOF
report() { printf '{"step": "%s", "code": %s}\n' "$1" "$2" >> "$OUT"; }
if [ "$MODE" = step ]; then
  touch steps/fill.flag
  "$PY" -m pipeline_widget run df.pipeline.json > "$OUT.run.out" 2> "$OUT.run.err"; report run $?
  rm steps/fill.flag
else
  "$PY" -m pipeline_widget run df.pipeline.json > "$OUT.run.out" 2> "$OUT.run.err" &
  RUNNER=$!
  sleep 1.0
  head -c 100000000 /dev/zero > filler.bin 2>/dev/null
  wait $RUNNER; report run $?
  rm -f filler.bin
fi
"$PY" -m pipeline_widget runs > "$OUT.runs.out" 2> "$OUT.runs.err"; report runs $?
"$PY" -m pipeline_widget run df.pipeline.json > "$OUT.again.out" 2> "$OUT.again.err"; report again $?
cd /; umount "$M"
"""


def in_a_full_disk(tmp_path: Path, mode: str) -> dict[str, int]:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a private tmpfs needs root and unshare (CI runs as root)")
    out = tmp_path / "report.jsonl"
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "bash", "-c",
                           SCRIPT, "disk", str(tmp_path / "mnt"), str(out), mode],
                          env={**os.environ, "PY": PYTHON}, capture_output=True, text=True,
                          timeout=300)
    if done.returncode == 90:
        pytest.skip("tmpfs cannot be mounted here")
    assert out.is_file(), done.stderr
    return {r["step"]: r["code"] for r in map(json.loads, out.read_text().splitlines())}


def text(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"report.jsonl.{name}").read_text()


def test_a_step_that_fills_the_disk_is_said_to_and_the_next_run_finishes(tmp_path):
    codes = in_a_full_disk(tmp_path, "step")
    assert codes["run"] == 1
    assert "Traceback" not in text(tmp_path, "run.err")
    assert "no space left on device" in text(tmp_path, "run.out")
    assert codes["runs"] == 0 and "DAMAGED" not in text(tmp_path, "runs.out")
    assert codes["again"] == 0, text(tmp_path, "again.err")
    assert "reused: a" in text(tmp_path, "again.out") or "reused" in text(tmp_path, "again.out")


def test_a_disk_filled_by_another_process_during_a_run_leaves_a_readable_workspace(tmp_path):
    codes = in_a_full_disk(tmp_path, "other")
    assert codes["run"] in (0, 1)
    assert "Traceback" not in text(tmp_path, "run.err")
    assert codes["runs"] == 0 and "DAMAGED" not in text(tmp_path, "runs.out")
    assert codes["again"] == 0, text(tmp_path, "again.err") + text(tmp_path, "again.out")


def _enospc_for(monkeypatch, match: str) -> None:
    """Writes whose path holds `match` fail as on a full disk (atomic writes: the last whole
    file stays)."""
    import errno

    from pipeline_widget.core import atomic

    real = atomic.write_text

    def full(path, text, *args, **kwargs):
        if match in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(atomic, "write_text", full)


def _one_step(ws, project):
    from pipeline_widget import Pipeline, PipelineData, PythonScriptStep
    from tests.conftest import write_script

    write_script(project / "s.py", "import sys\nopen(sys.argv[1] + '/x.txt', 'w').write('x')\n")
    out = PipelineData("out")
    return Pipeline(ws, [PythonScriptStep(name="s", script_name="s.py", source_directory=project,
                                          outputs=[out], arguments=[out])], name="full")


def test_a_full_disk_when_the_result_is_sealed_and_cached_costs_only_its_reuse(ws, project,
                                                                              monkeypatch):
    _enospc_for(monkeypatch, "/cache/results/")
    run = _one_step(ws, project).submit("full")
    assert run.wait_for_completion(show_output=False) == "Finished"
    step = run.get_step("s")
    assert any("not kept for reuse" in n and "No space left" in n for n in step.notes)
    monkeypatch.undo()
    again = _one_step(ws, project).submit("full")
    assert again.wait_for_completion(show_output=False) == "Finished"
    assert not again.get_step("s").is_reused


def test_a_full_disk_when_the_record_is_written_keeps_the_last_whole_record(ws, project,
                                                                           monkeypatch):
    from pipeline_widget.run.records import store

    real_save = store.save
    calls = {"n": 0}

    def save_then_full(workspace, record):
        calls["n"] += 1
        if calls["n"] > 1:   # the first save (the run's start) lands; the later ones do not
            import errno

            raise OSError(errno.ENOSPC, "No space left on device",
                          str(store.run_dir(workspace, record.run_id) / store.MANIFEST))
        return real_save(workspace, record)

    monkeypatch.setattr(store, "save", save_then_full)
    run = _one_step(ws, project).submit("full")
    assert run.wait_for_completion(show_output=False) == "Finished"   # the run goes on
    assert "no space left on device" in (run.record.unsaved or "")
    monkeypatch.undo()
    on_disk = store.load(ws, run.id)            # readable: the last whole record
    assert on_disk.run_id == run.id
