"""The other tools' environments: a tool that cannot be installed skips its tests, saying
why, and is not tried again in the same session."""
from __future__ import annotations

import time

import pytest

from . import conftest


def test_a_tool_that_cannot_be_installed_skips_with_pips_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "EXTRAS", tmp_path / "extras")
    monkeypatch.setitem(conftest.TOOLS, "missing", ([str(tmp_path / "no-such-package")], "x"))
    monkeypatch.setattr(conftest, "_failed", {})
    with pytest.raises(pytest.skip.Exception, match="pip could not install") as first:
        conftest.tool_env("missing")
    assert not (tmp_path / "extras" / "missing").exists()
    assert (tmp_path / "extras" / ".gitignore").read_text() == "*\n"   # never committed
    started = time.monotonic()
    with pytest.raises(pytest.skip.Exception) as again:
        conftest.tool_env("missing")
    assert str(again.value) == str(first.value) and time.monotonic() - started < 1
