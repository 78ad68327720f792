"""A step's logs (stdout.txt, stderr.txt) read from their end: a log may be larger than
memory, and what is shown of it (a failed script's error, the designer's log tails) is its
last lines. The one place that reads a log."""
from __future__ import annotations

import os

from .model import TRACEBACK_TAIL, tail

LOG_TAIL_BYTES = 64 * 1024  # of a log's end read to find its last lines


def end_of_file(path: str | os.PathLike, limit: int = LOG_TAIL_BYTES) -> tuple[str, bool]:
    """The text of a file's last `limit` bytes, from the first line that starts in them (or
    the end of one longer line), and whether anything before it was left out."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        start = max(0, size - limit)
        f.seek(start)
        data = f.read(limit)
    if start > 0:
        newline = data.find(b"\n")
        if 0 <= newline < len(data) - 1:
            data = data[newline + 1:]
        else:   # inside one long line: start at a character, not in one
            data = data.lstrip(bytes(range(0x80, 0xC0)))
    return data.decode("utf-8", errors="replace"), start > 0


def tail_of_file(path: str | os.PathLike, limit: int = LOG_TAIL_BYTES,
                 lines: int = TRACEBACK_TAIL) -> str:
    """The last `lines` lines of a log, read from its last `limit` bytes ("" without one)."""
    try:
        text, _ = end_of_file(path, limit)
    except OSError:
        return ""
    return tail(text, lines)
