"""What text from a run may reach a terminal as it is.

Error messages, step names and a step's stderr come from user code and files: a terminal
control sequence in them (clearing the screen, setting the title, hiding text) must be
shown, not obeyed. Newlines and tabs pass; every other control or direction-changing
character is written as its Python escape. Records keep the raw text.
"""
from __future__ import annotations

import re

# The bidirectional and zero-width format characters: they change or hide what text looks like
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
# ... and C0 but \t and \n, DEL, C1
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def without_invisible(text: str) -> str:
    """`text` as it looks: its invisible and direction-changing characters taken out."""
    return _INVISIBLE_RE.sub("", text)
