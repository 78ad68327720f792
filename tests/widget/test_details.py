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
    assert "rows.csv" in html and "notes.txt</a> (5 bytes)" in html
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


def test_artefacts_are_links_relative_to_the_kernels_folder(tmp_path, monkeypatch):
    run_dir = tmp_path / "pipeline_workspace" / "runs" / "r" / "steps" / "s"
    run_dir.mkdir(parents=True)
    (run_dir / "executed.ipynb").write_text("{}")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    html = step_html(StepRun("s", "Finished", notebook=str(run_dir / "executed.ipynb")), "r")
    assert "href='../pipeline_workspace/runs/r/steps/s/executed.ipynb'" in html
    assert "file://" not in html and str(tmp_path) not in html


def test_log_tails_show_the_end_of_large_logs(tmp_path):
    out = tmp_path / "stdout.txt"
    out.write_text("".join(f"line {i}\n" for i in range(100_000)))
    (tmp_path / "stderr.txt").write_text("")
    html = step_html(StepRun("s", "Finished", stdout=str(out),
                             stderr=str(tmp_path / "stderr.txt")), "r")
    assert "line 99999" in html and "line 5\n" not in html
    assert "class='pw-log-tail'" in html and "'>..." in html   # it says what was cut
    assert "error log" in html and "(empty)" in html


def test_images_of_output_folders_and_of_the_notebook_are_inline(tmp_path):
    import base64

    import nbformat

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                           "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    out = tmp_path / "plots"
    out.mkdir()
    (out / "curve.png").write_bytes(png)
    (out / "shape.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()")
    cell.outputs = [nbformat.v4.new_output("display_data",
                                           data={"image/png": base64.b64encode(png).decode()})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "executed.ipynb")
    html = step_html(StepRun("s", "Finished", notebook=str(tmp_path / "executed.ipynb"),
                             outputs={"plots": str(out)}), "r")
    assert html.count("class='pw-image'") == 3
    assert "data:image/svg+xml;base64," in html and "data:image/png;base64," in html


def test_the_executed_notebook_renders_inline_on_request(tmp_path):
    import nbformat

    from pipeline_widget.widget.details import StepDetails

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('hello')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello from the step\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title <x>"), cell]
    nbformat.write(nb, tmp_path / "executed.ipynb")
    details = StepDetails("")
    details.show("<b>step</b>", str(tmp_path / "executed.ipynb"))
    assert details.notebook_button in details.children
    assert details.notebook_view not in details.children
    details.notebook_button.click()
    assert details.notebook_view in details.children
    assert "hello from the step" in details.notebook_view.value
    assert "<x>" not in details.notebook_view.value
    details.notebook_button.click()
    assert details.notebook_view not in details.children
    details.show("<i>no run</i>")
    assert details.children == (details._html,)


def test_outputs_of_a_step_that_did_not_run_are_said_to_be_not_created(tmp_path):
    step = StepRun("later", "NotSelected", outputs={"y": str(tmp_path / "y")})
    html = step_html(step, "r")
    assert "not created" in html and "no folder (yet)" not in html and "href" not in html


def test_previews_never_follow_a_link_out_of_the_output_folder(tmp_path):
    """A link in an output (to a secret, a big file, a loop) is named as a link: its target is
    neither listed, read as CSV nor shown as an image."""
    out = tmp_path / "out"
    out.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    (out / "leak.csv").symlink_to(secret)
    (out / "loop").symlink_to(out, target_is_directory=True)
    (out / "own.txt").write_text("mine")
    html = step_html(StepRun("s", "Finished", outputs={"out": str(out)}), "run-1")
    assert "hunter2" not in html and "password" not in html
    assert "leak.csv" in html and "link, not followed" in html
    assert "own.txt</a> (4 bytes)" in html
    assert html.count("loop") == 1
