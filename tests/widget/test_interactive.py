"""The interactive loop in the designer: what the next run would run is marked, and part of
the pipeline runs from the selected step."""
import nbformat
import pytest

from pipeline_widget import PipelineDesigner
from pipeline_widget.run.step.kernels import fork_kernels
from tests.conftest import process_ended, write_notebook
from tests.widget.conftest import add_step, click, draw_fan_out, link


def stale_nodes(designer) -> dict[str, str]:
    return {n: designer.canvas.node(n).data["stale"] for n in designer.canvas.node_ids
            if designer.canvas.node(n).data["stale"]}


def test_steps_the_next_run_would_run_are_marked_until_a_run_reuses_them(designer):
    draw_fan_out(designer)
    assert stale_nodes(designer) == {
        "make": "no earlier successful run of this step",
        "one": "an upstream step runs again", "two": "an upstream step runs again"}
    click(designer, "one")
    assert "the next run would run it: an upstream step runs again" in designer.step_details.value
    designer.runs_panel.run()
    assert designer.runs_panel.wait(120) == "Finished"
    assert stale_nodes(designer) == {}  # everything would be reused now
    # an edit: a parameter of the producer changes, so it and its readers would run again
    click(designer, "make")
    designer.properties.fields["rows"].value = "5"
    assert stale_nodes(designer) == {
        "make": "parameter 'rows' changed: not set -> 5",
        "one": "an upstream step runs again", "two": "an upstream step runs again"}


def test_refresh_sees_changes_made_outside_the_designer(designer, steps_dir):
    draw_fan_out(designer)
    designer.runs_panel.run()
    assert designer.runs_panel.wait(120) == "Finished"
    assert designer.refresh_status() == {}
    assert designer.message == "every step would be reused: nothing changed since its last run"
    sink = steps_dir / "sink.ipynb"
    sink.write_text(sink.read_text().replace("sorted(k", "sorted(  k"))  # edited in JupyterLab
    designer.refresh_button.click()
    assert set(designer.stale) == {"one", "two"}
    assert designer.message.startswith("2 step(s) would run: one, two")


def test_run_this_step_from_here_and_up_to_here(designer):
    draw_fan_out(designer)
    add_step(designer, "sink.ipynb", "three")
    link(designer, "one", "three", "more")
    buttons = designer.runs_panel.part_buttons
    click(designer, "one")
    buttons["to_steps"].click()   # make and one
    assert designer.runs_panel.wait(120) == "Finished"
    assert designer.canvas.statuses == {"make": "Finished", "one": "Finished",
                                        "two": "NotSelected", "three": "NotSelected"}
    click(designer, "three")
    buttons["only"].click()       # three alone: what it reads is reused
    assert designer.runs_panel.wait(120) == "Finished"
    assert designer.canvas.statuses == {"make": "Reused", "one": "Reused",
                                        "two": "NotSelected", "three": "Finished"}
    click(designer, "two")
    buttons["from_steps"].click()
    assert designer.runs_panel.wait(120) == "Finished"
    assert designer.canvas.statuses["two"] == "Finished"
    assert stale_nodes(designer) == {}


def test_a_partial_run_without_results_upstream_is_refused_in_words(designer):
    draw_fan_out(designer)
    click(designer, "one")
    designer.runs_panel.part_buttons["only"].click()
    assert designer.message_is_error
    assert "step 'make' runs before the selected steps and has no result" in designer.message
    assert designer.runs_panel.live is None


def test_warnings_are_listed_apart_and_marked_dotted(designer):
    add_step(designer, "source.ipynb", "make")
    click(designer, "make")
    designer.data_name.value = "print"
    add_step(designer, "sink.ipynb", "use")
    link(designer, "make", "use", "print")
    assert "warning(s)" in designer.problem_list.value
    assert "problem(s)" not in designer.problem_list.value
    assert "warning" in designer.canvas.node("make").classes.split()
    designer.validate()
    assert not designer.message_is_error and "valid, with 1 warning(s)" in designer.message


def test_the_runs_panel_compares_runs_and_plots_a_metric(designer, steps_dir):
    from tests.conftest import write_notebook

    write_notebook(steps_dir / "score.ipynb", "scale = 1.0",
                   "from pipeline_widget import Run\nRun.get_context().log('score', scale * 2)")
    designer.refresh_sources()
    add_step(designer, "score.ipynb", "score")
    click(designer, "score")
    designer.properties.fields["scale"].value = "= scale"   # a pipeline parameter
    panel = designer.runs_panel
    for value in ("1.5", "4.0"):
        panel.param_fields["scale"].value = value
        panel.run()
        assert panel.wait(120) == "Finished"
    table = panel.compare.value
    assert table.count("<tr>") == 3 and "score.score" in table and ">8<" in table
    assert panel.metric.value == "score.score"
    plot = panel.plot.value
    assert plot.count("<circle") == 2 and ">3</text>" in plot and ">8</text>" in plot
    assert "pw-x-title" in plot and "score.score</text>" in plot   # both axes are titled


@pytest.fixture
def kernels_not_forked(monkeypatch):
    from pipeline_widget.run.step.forking.setting import FORK_ENV

    monkeypatch.setenv(FORK_ENV, "0")


def _forked_kernels() -> list[int]:
    """Kernels running under this process's fork servers."""
    import psutil

    from pipeline_widget.run.step.forking.client import servers

    found = []
    for server in servers():
        try:
            children = psutil.Process(server.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for p in children:
            try:
                if p.name() == "pw-kernel" and not process_ended(p):
                    found.append(p.pid)
            except psutil.NoSuchProcess:   # ended between the listing and this look
                pass
    return found


@pytest.mark.skipif(not fork_kernels(), reason="kernels are not forked here")
def test_with_forked_kernels_the_designer_keeps_their_fork_server_and_no_idle_kernel(
        steps_dir, warm_kernels_end_with_the_test, ws):
    """The designer's runs fork their kernels from a server it keeps running, so no kernel
    waits idle between runs; each step still gets a fresh kernel of its own."""
    import time

    from pipeline_widget.run.step.forking.client import servers

    write_notebook(steps_dir / "who.ipynb", "x = 1",
                   "import os\nstat = open(f'/proc/{os.getppid()}/stat').read()\n"
                   "print(open('/proc/self/comm').read().strip(), stat.rsplit(')')[1].split()[1])")
    designer = PipelineDesigner(workspace=ws, steps_dir=steps_dir)
    (warm,) = warm_kernels_end_with_the_test
    deadline = time.monotonic() + 60
    while not servers():
        assert time.monotonic() < deadline, "the designer did not start a fork server"
        time.sleep(0.05)
    time.sleep(1.0)   # idle kernels, if any were kept, would be starting by now
    assert warm.ready() == [] and _forked_kernels() == []

    add_step(designer, "who.ipynb", "who")
    designer.runs_panel.run()
    assert designer.runs_panel.wait(120) == "Finished"
    executed = nbformat.read(designer.runs_panel.live.get_step("who").notebook, as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    name, server = printed.split()   # the kernel's name, its supervisor's parent
    assert name == "pw-kernel"                             # a forked kernel of its own,
    assert int(server) in {s.pid for s in servers()}       # from the designer's server
    while _forked_kernels():   # stopped after its step, and none kept idle
        assert time.monotonic() < deadline + 60, "the step's kernel was not stopped"
        time.sleep(0.05)
    time.sleep(1.0)
    assert warm.ready() == [] and _forked_kernels() == []
    designer.close()


def test_the_designer_keeps_warm_kernels_its_runs_take_and_stops_them_when_closed(
        kernels_not_forked, designer, warm_kernels_end_with_the_test):
    """Where kernels are not forked (here: turned off), the designer keeps idle ones."""
    import time

    (warm,) = warm_kernels_end_with_the_test
    deadline = time.monotonic() + 120
    while len(warm.ready()) < 2:
        assert time.monotonic() < deadline, "the designer's kernels never got ready"
        time.sleep(0.05)
    ready = set(warm.ready())
    add_step(designer, "sink.ipynb", "one")
    designer.runs_panel.run()
    assert designer.runs_panel.wait(120) == "Finished"
    assert len(ready - set(warm.ready())) == 1   # the run took one that was ready
    while len(warm.ready()) < 2:
        assert time.monotonic() < deadline, "the pool did not refill"
        time.sleep(0.05)
    pids = warm.ready()
    designer.close()
    assert warm.ready() == []
    assert all(process_ended(p) for p in pids)


def test_a_step_unbound_from_a_pipeline_parameter_is_marked(designer):
    draw_fan_out(designer)
    click(designer, "make")
    designer.properties.fields["rows"].value = "= n_rows"
    designer.runs_panel.run()
    status = designer.runs_panel.wait(120)
    assert status == "Finished", designer.runs_panel.live.get_step("make").error
    assert stale_nodes(designer) == {}
    designer.properties.fields["rows"].value = "4"   # the pipeline parameter is gone
    assert stale_nodes(designer) == {"make": "parameter 'rows' changed: 3 -> 4",
                                     "one": "an upstream step runs again",
                                     "two": "an upstream step runs again"}
    assert "the next run</b> would run it: parameter" in designer.step_details.value
