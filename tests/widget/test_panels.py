"""What a trial found inside the designer's panels: data labels readable at any zoom, every
reader of a data node, download links for binary outputs, JupyterLab's checkpoints never
taken for outputs, runs compared by every parameter that differs, readable parameter help."""
from __future__ import annotations

import pickle

from pipeline_widget.widget.artefacts import is_binary, open_link
from pipeline_widget.widget.details import folder_html
from tests.conftest import write_notebook
from tests.widget.conftest import add_step, click, draw_fan_out


def test_data_labels_are_as_large_as_step_labels_and_hidden_rather_than_unreadable():
    from pipeline_widget.widget.styles import MIN_READABLE_PX, stylesheet

    rules = {r["selector"]: r["style"] for r in stylesheet()}
    step_size = rules["node"]["font-size"]
    for selector in ("node.data", "node.dataset"):
        assert rules[selector]["font-size"] >= step_size >= 12   # scaled with the zoom
    for selector in ("node", "edge"):
        # below this many pixels on screen a label is hidden, never drawn illegibly small
        assert rules[selector]["min-zoomed-font-size"] == MIN_READABLE_PX >= 6


def test_a_data_nodes_panel_names_every_step_that_reads_it(designer):
    draw_fan_out(designer)
    add_step(designer, "sink.ipynb", "three")
    data = designer.pipeline.step("make").outputs[0].name
    designer.connect("make", "three", data)
    designer.show_data_nodes(True)
    click(designer, f"data/{data}")
    heading = designer.properties.children[0].value
    assert all(f"<b>{reader}</b>" in heading for reader in ("one", "two", "three")), heading
    assert "written by <b>make</b>" in heading


def test_a_binary_output_is_offered_as_a_download_and_text_opens_in_a_tab(tmp_path):
    model = tmp_path / "model.pkl"
    model.write_bytes(pickle.dumps({"weights": [0.5, 1.5]}, protocol=4))
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n")
    (tmp_path / "notes.txt").write_text("caf\u00e9 \u2713\n", encoding="utf-8")
    assert is_binary(model) and not is_binary(table) and not is_binary(tmp_path / "notes.txt")
    link = open_link(model)
    assert "download" in link.split(">")[0] and "pw-download" in link
    assert "download" not in open_link(table).split(">")[0]
    assert not is_binary(tmp_path)   # a folder: a plain link
    html = folder_html("model", str(tmp_path))
    assert "pw-download" in html and "model.pkl" in html and "not readable" not in html


def test_jupyterlab_checkpoints_in_an_output_folder_are_no_outputs(tmp_path):
    out = tmp_path / "report"
    (out / ".ipynb_checkpoints").mkdir(parents=True)
    (out / "table.csv").write_text("a,b\n1,2\n")
    (out / ".ipynb_checkpoints" / "table-checkpoint.csv").write_text("a,b\n1,2\n")
    html = folder_html("report", str(out))
    assert "table.csv" in html
    assert "table-checkpoint" not in html and ".ipynb_checkpoints" not in html  # not listed
    assert html.count("first rows of") == 1


def test_parameter_help_wraps_under_its_field_at_a_readable_width(designer, steps_dir):
    long_help = "the number of rows to keep from the raw table " * 4
    write_notebook(steps_dir / "wordy.ipynb", f"rows: int = 3  # {long_help}", "pass")
    designer.refresh_sources()
    add_step(designer, "wordy.ipynb", "wordy")
    click(designer, "wordy")
    row = next(c for c in designer.properties.children
               if getattr(c, "children", None) and designer.properties.fields["rows"]
               in c.children)
    hint = row.children[1]
    assert "pw-param-hint" in hint._dom_classes and hint.layout.max_width.endswith("em")
    assert "white-space:normal" in hint.value and long_help.strip() in hint.value
    assert type(row).__name__ == "VBox"   # under the field, not stretching the row


def test_compare_shows_differing_step_parameters_with_the_digits_that_tell_them_apart(
        designer, steps_dir):
    from pipeline_widget.run.compare import summaries
    from pipeline_widget.widget.compare_view import table_html

    write_notebook(steps_dir / "fit.ipynb", "alpha = 0.1\nlabel = 'x'",
                   "from pipeline_widget import Run\nRun.get_context().log('loss', alpha / 3)")
    designer.refresh_sources()
    add_step(designer, "fit.ipynb", "fit")
    click(designer, "fit")
    panel = designer.runs_panel
    for alpha in ("0.1", "0.10001"):
        designer.properties.fields["alpha"].value = alpha
        designer.properties.fields["label"].value = "same"
        panel.run()
        assert panel.wait(120) == "Finished"
    runs = summaries(designer.workspace, designer.pipeline.name)
    table = table_html(runs)
    assert "fit.alpha" in table               # a step parameter that differs has a column
    assert "fit.label" not in table           # one that is the same in every run has none
    assert ">0.1<" in table and ">0.10001<" in table
    assert ">0.03333<" in table and ">0.03334<" in table   # metrics: enough digits to differ


def test_an_output_folder_opens_in_the_file_browser_of_the_server_that_serves_it(
        tmp_path, monkeypatch):
    import json
    import os

    import jupyter_server.serverapp

    out = tmp_path / "root" / "pipeline_workspace" / "data" / "run 1" / "prepped"
    out.mkdir(parents=True)
    servers = [{"pid": -1, "root_dir": str(tmp_path / "elsewhere")},
               {"pid": os.getppid(), "root_dir": str(tmp_path / "root")}]
    monkeypatch.setattr(jupyter_server.serverapp, "list_running_servers", lambda: servers)
    html = folder_html("prepped", str(out))
    button = html[html.index("<button"):html.index("</button>")]
    assert "data-commandlinker-command='filebrowser:go-to-path'" in button
    args = button.split("data-commandlinker-args='")[1].split("'")[0]
    assert json.loads(args.replace("&quot;", '"')) == {
        "path": "pipeline_workspace/data/run 1/prepped"}   # from the server's root
    monkeypatch.setattr(jupyter_server.serverapp, "list_running_servers", lambda: [])
    assert "<button" not in folder_html("prepped", str(out))   # no server: a plain link


def test_the_timeline_of_a_run_that_reused_every_step_says_so(designer):
    add_step(designer, "sink.ipynb", "look")
    panel = designer.runs_panel
    panel.run()
    assert panel.wait(120) == "Finished"
    assert " s</text>" in panel.timeline.value            # it ran: bars with seconds
    panel.run()
    assert panel.wait(120) == "Finished"
    timeline = panel.timeline.value
    assert "reused" in timeline and "nothing ran" in timeline
    assert "0.0 s" not in timeline and "<svg" not in timeline
