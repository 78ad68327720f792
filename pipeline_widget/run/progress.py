"""A text view of a run's events: a progress bar and one line per ended step (escaped:
a step's error text must not drive the terminal). Each line is flushed as it ends, so that a
reader (`| head -1`) sees it at once; a reader that went away stops the display, which tells
`on_closed` (the command line cancels the run) instead of raising in the runner's thread."""
from __future__ import annotations

import sys
from typing import Callable, TextIO

from ..core.printable import printable
from .events import StatusEvent
from .status import Status


def describe(event: StatusEvent) -> str:
    status = event.display_status
    line = f"{status:<9} {event.step}"
    error = event.detail.get("error")
    if error is not None:
        line += f": {error.headline()}"
    elif event.detail.get("reason"):
        line += f": {event.detail['reason']}"
    return line


class ProgressDisplay:
    """Subscribe it to a run: `run.subscribe(ProgressDisplay(n_steps))`."""

    def __init__(self, total: int, file: TextIO | None = None,
                 on_closed: Callable[[], None] = lambda: None) -> None:
        self.file = file or sys.stdout
        self.on_closed = on_closed
        self.closed = False
        self.bar = None   # a bar only on a terminal (tqdm draws none elsewhere): lines alone
        if _is_terminal(self.file):
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="step", file=self.file, leave=False,
                            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} steps [{elapsed}]")
        self.ended: set[str] = set()

    def __call__(self, event: StatusEvent) -> None:
        if self.closed:
            return
        try:
            self._show(event)
        except BrokenPipeError:
            self.closed = True
            self.on_closed()

    def _show(self, event: StatusEvent) -> None:
        if event.step is None:
            if event.status.is_terminal and self.bar is not None:
                self.bar.close()
            return
        if event.status == Status.RUNNING and self.bar is not None:
            self.bar.set_description_str(event.step[:30])
        if event.status.is_terminal and event.step not in self.ended:
            self.ended.add(event.step)
            line = printable(describe(event))
            if self.bar is not None:
                self.bar.write(line, file=self.file)
                self.bar.update(1)
            else:
                self.file.write(line + "\n")
            self.file.flush()


def _is_terminal(file: TextIO) -> bool:
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):   # no such method, or closed
        return False
