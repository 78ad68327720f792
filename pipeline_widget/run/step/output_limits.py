"""Bounds on what a notebook step's cells keep of their output.

A cell that prints without end must not fill the runner's memory or the executed
notebook. Stream text (stdout, stderr) keeps its head and its tail and says how much
was cut between them; rich outputs (images, tables) are kept until the cell's or the
step's share is spent, and the rest are counted. The text of a kept stream is built
only when the notebook is written (`flush`), so each message costs O(its length).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

CELL_HEAD = 200_000        # characters of a cell's stream text kept from its start
CELL_TAIL = 50_000         # ... and from its end, per stream (stdout, stderr)
STEP_TEXT = 2_000_000      # characters of stream text kept from the start, all cells together
CELL_RICH = 20_000_000     # bytes of rich output (images, HTML...) kept per cell
STEP_RICH = 100_000_000    # ... and per step


def cut_note(chars: int, outputs: int = 0) -> str:
    parts = [f"{chars:,} characters"] if chars else []
    parts += [f"{outputs:,} outputs"] if outputs else []
    return (f"\n[... {' and '.join(parts)} of output cut here: a step keeps the start and the "
            f"end of what each cell prints ...]\n")


@dataclass
class _Stream:
    """One stream output node of a cell: a head, a bounded tail, and what fell between."""
    node: Any
    head: list[str] = field(default_factory=list)
    tail: deque = field(default_factory=deque)
    tail_chars: int = 0
    cut: int = 0
    dirty: bool = False

    def keep_head(self, text: str) -> None:
        self.head.append(text)
        self.dirty = True

    def keep_tail(self, text: str) -> None:
        self.tail.append(text)
        self.tail_chars += len(text)
        while self.tail_chars > CELL_TAIL:
            first = self.tail[0]
            over = self.tail_chars - CELL_TAIL
            if len(first) <= over:
                self.tail.popleft()
                self.tail_chars -= len(first)
                self.cut += len(first)
            else:
                self.tail[0] = first[over:]
                self.tail_chars -= over
                self.cut += over
        self.dirty = True

    def flush(self) -> None:
        if self.dirty:
            note = cut_note(self.cut) if self.cut else ""
            self.node["text"] = "".join(self.head) + note + "".join(self.tail)
            self.head = ["".join(self.head)]
            self.dirty = False


@dataclass
class _Cell:
    head_left: int = CELL_HEAD
    rich_left: int = CELL_RICH
    streams: dict[str, _Stream] = field(default_factory=dict)   # stream name -> current node
    dropped: int = 0
    dropped_node: Any = None


class OutputBudget:
    """What one notebook step keeps of its cells' output."""

    def __init__(self) -> None:
        self.text_left = STEP_TEXT
        self.rich_left = STEP_RICH
        self.cells: dict[int, _Cell] = {}

    def stream(self, outs: list, name: str, text: str, cell_index: int, new_node) -> Any:
        """Keep `text` printed on stream `name`; returns the node it went to."""
        cell = self.cells.setdefault(cell_index, _Cell())
        current = cell.streams.get(name)
        truncating = current is not None and (current.cut or current.tail)
        if current is None or (outs and outs[-1] is not current.node and not truncating):
            node = new_node()
            outs.append(node)
            current = cell.streams[name] = _Stream(node)
        room = min(cell.head_left, self.text_left)
        if room > 0 and not current.tail:
            kept = text[:room]
            current.keep_head(kept)
            cell.head_left -= len(kept)
            self.text_left -= len(kept)
            text = text[len(kept):]
        if text:
            current.keep_tail(text)
        return current.node

    def rich(self, cell_index: int, size: int) -> bool:
        """Whether a rich output of `size` bytes may be kept."""
        cell = self.cells.setdefault(cell_index, _Cell())
        if size <= cell.rich_left and size <= self.rich_left:
            cell.rich_left -= size
            self.rich_left -= size
            return True
        cell.dropped += 1
        return False

    def dropped_note(self, outs: list, cell_index: int, new_node) -> None:
        cell = self.cells[cell_index]
        if cell.dropped_node is None:
            cell.dropped_node = new_node()
            outs.append(cell.dropped_node)
        cell.dropped_node["text"] = cut_note(0, cell.dropped)

    def cleared(self, cell_index: int) -> None:
        """The cell's outputs were cleared (`clear_output`): its streams start again."""
        cell = self.cells.get(cell_index)
        if cell is not None:
            cell.streams.clear()
            cell.dropped_node = None

    def flush(self) -> None:
        """Write the kept text into the notebook's output nodes."""
        for cell in self.cells.values():
            for stream in cell.streams.values():
                stream.flush()


def rich_size(content: dict) -> int:
    """Bytes a display message would take in the notebook."""
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())
