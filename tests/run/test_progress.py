"""The text view of a run: a bar on a terminal, the ended steps' lines everywhere."""
from __future__ import annotations

import io

from pipeline_widget.run.events import StatusEvent
from pipeline_widget.run.progress import ProgressDisplay
from pipeline_widget.run.status import Status


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def show(file) -> str:
    display = ProgressDisplay(2, file=file)
    for step, status in (("a", Status.RUNNING), ("a", Status.FINISHED), ("b", Status.RUNNING),
                         ("b", Status.FAILED), ("b", Status.FAILED)):
        display(StatusEvent("r", step, status))
    display(StatusEvent("r", None, Status.FAILED))
    return file.getvalue()


def test_lines_alone_where_the_output_is_no_terminal():
    assert show(io.StringIO()) == "Finished  a\nFailed    b\n"


def test_a_bar_and_the_same_lines_on_a_terminal():
    text = show(Terminal())
    assert "Finished  a\n" in text and "Failed    b\n" in text
    assert "0/2 steps" in text and "1/2 steps" in text   # the bar, drawn by tqdm
