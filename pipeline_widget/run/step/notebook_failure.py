"""Explaining a notebook step that stopped without an error of its own (its kernel died or was
killed at its timeout): which cell was running, and the error kept in the executed notebook.

papermill records an exception raised by a cell, but when the kernel goes away it marks every
started cell completed and writes no error; the last cell that started is the one that ran.
"""
from __future__ import annotations

from pathlib import Path

from ...core import atomic
from ..records.model import StepError


def mark_stopped_cell(executed: Path, error: StepError) -> None:
    """Set the error's cell and traceback from the executed notebook, and add the error
    as an output of that cell, so the notebook itself says where and why the step stopped."""
    import nbformat

    try:
        nb = nbformat.read(str(executed), as_version=4)
    except Exception:  # no notebook written (the kernel died before the first cell)
        return
    started = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and (c.metadata.get("papermill") or {}).get("start_time")]
    if not started:
        return
    index = started[-1]
    cell = nb.cells[index]
    error.cell = index
    if error.type == "DeadKernelError":
        error.message = ("the kernel died (the code exited the process, crashed it or ran "
                            "out of memory)")
    lines = cell.source.splitlines()[-5:]
    error.traceback = "\n".join([f"{error.type} while running cell {index}:",
                                    *("    " + s for s in lines)])
    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
        "error", ename=error.type, evalue=error.message, traceback=[error.traceback]))
    cell.metadata.setdefault("papermill", {})["exception"] = True
    atomic.write_text(executed, nbformat.writes(nb))
