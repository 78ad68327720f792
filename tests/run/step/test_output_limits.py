"""What a notebook step keeps of its output: bounded whatever a cell prints."""
import nbformat

from pipeline_widget import NotebookStep, Pipeline
from pipeline_widget.run.step import output_limits as limits
from pipeline_widget.run.step.output_limits import OutputBudget
from tests.conftest import write_notebook

TIMEOUT = 3


def node():
    return {"output_type": "stream", "name": "stdout", "text": ""}


def test_a_long_stream_keeps_its_head_and_tail_and_says_what_was_cut():
    budget, outs = OutputBudget(), []
    lines = [f"line {i}\n" for i in range(100_000)]
    for line in lines:
        budget.stream(outs, "stdout", line, 0, node)
    budget.flush()
    (out,) = outs
    text = out["text"]
    total = sum(map(len, lines))
    assert text.startswith("line 0\nline 1\n")
    assert text.endswith("line 99999\n")
    assert len(text) < limits.CELL_HEAD + limits.CELL_TAIL + 200
    cut = total - limits.CELL_HEAD - limits.CELL_TAIL
    assert f"{cut:,} characters of output cut" in text


def test_short_output_is_kept_whole_and_streams_stay_apart():
    budget, outs = OutputBudget(), []
    budget.stream(outs, "stdout", "a\n", 0, node)
    budget.stream(outs, "stdout", "b\n", 0, node)
    budget.stream(outs, "stderr", "warn\n", 0,
                  lambda: {"output_type": "stream", "name": "stderr", "text": ""})
    budget.flush()
    assert [(o["name"], o["text"]) for o in outs] == [("stdout", "a\nb\n"), ("stderr", "warn\n")]


def test_the_step_budget_is_shared_by_its_cells():
    budget = OutputBudget()
    cells = [[] for _ in range(limits.STEP_TEXT // limits.CELL_HEAD + 3)]
    for i, outs in enumerate(cells):
        budget.stream(outs, "stdout", "x" * (limits.CELL_HEAD + 10), i, node)
    budget.flush()
    kept = sum(len(o["text"]) for outs in cells for o in outs)
    assert kept <= limits.STEP_TEXT + len(cells) * (limits.CELL_TAIL + 200)
    assert "cut here" in cells[-1][0]["text"]


def test_rich_outputs_beyond_the_cells_share_are_counted_not_kept():
    budget, outs = OutputBudget(), []
    size = limits.CELL_RICH // 3
    kept = [budget.rich(0, size) for _ in range(5)]
    assert kept == [True, True, True, False, False]
    budget.dropped_note(outs, 0, node)
    assert "2 outputs of output cut" in outs[0]["text"]


def test_a_notebook_that_prints_without_end_is_stopped_at_its_timeout_with_bounded_output(
        ws, project):
    flood = write_notebook(project / "flood.ipynb", "n = 0",
                           "print('first line')\nwhile True:\n    print('x' * 80)")
    step = NotebookStep("flood", flood, timeout=TIMEOUT)
    run = Pipeline(ws, [step], name="flood").submit("flood")
    assert run.wait_for_completion(show_output=False) == "Failed"
    (result,) = run.get_steps()
    assert result.error.type == "TimeoutError"
    assert result.duration < TIMEOUT + 30  # a bound, not a measurement: see benchmarks
    nb = nbformat.read(result.notebook, as_version=4)
    (out,) = [o for o in nb.cells[1].outputs if o.output_type == "stream"]
    assert out.text.startswith("first line\n")
    assert "characters of output cut here" in out.text
    assert len(out.text) < limits.CELL_HEAD + limits.CELL_TAIL + 500
