"""The command line's output streams: text from runs is shown, never obeyed, each line is
passed on as it ends (a reader such as `| head -1` sees it at once), and a reader that goes
away ends the output quietly instead of with a traceback."""
from __future__ import annotations

import os
import sys
from typing import TextIO

from ..core.printable import printable


class Terminal:
    """A text stream that escapes control characters (core.printable), flushes at each end
    of line, and drops what is written after its reader closed the pipe (`closed_by_reader`
    then says so). `raw` is the stream beneath, for the progress bar's own cursor
    movements; whoever writes to it calls `reader_gone` when its reader went away."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                self.raw.write(printable(text))
                if "\n" in text:
                    self.raw.flush()
            except BrokenPipeError:
                self.reader_gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self.raw.flush()
            except BrokenPipeError:
                self.reader_gone()

    def isatty(self) -> bool:
        return bool(getattr(self.raw, "isatty", lambda: False)())

    def reader_gone(self) -> None:
        """Drop what follows, and point the file descriptor at /dev/null, so that Python's
        final flush (of what the closed pipe refused) is quiet."""
        self.closed_by_reader = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.raw.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass


def stdout() -> Terminal:
    return Terminal(sys.stdout)


def stderr() -> Terminal:
    return Terminal(sys.stderr)
