"""Step details: what a person sees after clicking a step of a run."""
from __future__ import annotations

from pipeline_widget.run.pipeline_run import StepRun
from pipeline_widget.widget.details import MAX_FILES, step_html


def test_outputs_list_files_and_show_the_head_of_csv_files(tmp_path):
    out = tmp_path / "table"
    out.mkdir()
    (out / "rows.csv").write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(20)))
    (out / "notes.txt").write_text("hello")
    (tmp_path / "empty").mkdir()
    step = StepRun("make", "Finished", start_time=10.0, end_time=12.5,
                   notebook=str(tmp_path / "make.ipynb"),
                   outputs={"table": str(out), "empty": str(tmp_path / "empty"),
                            "later": str(tmp_path / "missing")})
    html = step_html(step, "run-1")
    assert "make" in html and "run-1" in html and "Finished" in html
    assert "duration: 2.5 s" in html and "make.ipynb" in html
    assert "rows.csv" in html and "notes.txt (5 bytes)" in html
    assert "<table" in html and "<td>4</td>" in html and "<td>10</td>" not in html  # 5 rows
    assert "empty</i>" in html and "no folder (yet)" in html


def test_a_failed_step_shows_the_error_and_the_end_of_its_traceback():
    traceback = "\n".join(f"line {i}" for i in range(40)) + "\nValueError: <bad>"
    step = StepRun("broken", "Failed", error={"type": "ValueError", "message": "bad <input>",
                                              "cell": 3, "traceback": traceback})
    html = step_html(step, "run-2")
    assert "error in cell 3: ValueError: bad &lt;input&gt;" in html  # escaped
    assert "line 39" in html and "line 5\n" not in html


def test_reuse_and_why_not(tmp_path):
    reused = StepRun("a", "Finished", is_reused=True, reused_from="a-123")
    assert "Reused" in step_html(reused, "r") and "a-123" in step_html(reused, "r")
    fresh = StepRun("a", "Finished", why_not_reused=["the notebook changed"])
    assert "not reused: the notebook changed" in step_html(fresh, "r")


def test_long_folders_are_cut_and_bad_csv_is_said(tmp_path):
    out = tmp_path / "many"
    out.mkdir()
    for i in range(MAX_FILES + 5):
        (out / f"f{i:03}.txt").write_text("x")
    (out / "broken.csv").write_bytes(b"\xff\xfe\x00garbage")
    html = step_html(StepRun("m", "Finished", outputs={"many": str(out)}), "r")
    assert "and 6 more" in html
