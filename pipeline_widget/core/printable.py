"""What text from a run may reach a terminal as it is.

Error messages, step names and a step's stderr come from user code and files: a terminal
control sequence in them (clearing the screen, setting the title, hiding text) must be
shown, not obeyed. Newlines and tabs pass; every other control or direction-changing
character is written as its Python escape. Records keep the raw text.
"""
from __future__ import annotations

import re

# C0 but \t and \n, DEL, C1, and the bidirectional and zero-width format characters
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None
