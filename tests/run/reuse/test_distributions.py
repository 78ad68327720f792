"""The index of a folder's installed distributions is kept between processes while the
folder is unchanged, and read again once something is installed there."""
from __future__ import annotations

import importlib.metadata

import pytest

from pipeline_widget.run.reuse import distributions
from tests.run.reuse.distributions import install


@pytest.fixture
def fresh_process(monkeypatch):
    """As a new process starts: nothing remembered in memory."""
    monkeypatch.setattr(distributions, "_indexes", {})

    def forget() -> None:
        distributions._indexes.clear()
    return forget


def reads_counted(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = importlib.metadata.distributions

    def counted(**kwargs):
        calls.append(str(kwargs.get("path")))
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "distributions", counted)
    return calls


def test_a_kept_index_serves_the_next_process_until_something_is_installed(
        tmp_path, fresh_process, monkeypatch):
    site = tmp_path / "site"
    install(site, "1.0")
    reads = reads_counted(monkeypatch)
    assert distributions.index(str(site))["obsdist"][:2] == ("obsdist", "1.0")
    assert len(reads) == 1

    fresh_process()
    assert distributions.index(str(site))["obsdist"][:2] == ("obsdist", "1.0")
    assert len(reads) == 1            # taken from the kept index, nothing read

    install(site, "1.1")              # the folder changes: the kept index is not used
    fresh_process()
    assert distributions.index(str(site))["obsdist"][:2] == ("obsdist", "1.1")
    assert len(reads) == 2


def test_a_damaged_kept_index_or_an_unwritable_cache_only_costs_a_read(
        tmp_path, fresh_process, monkeypatch):
    site = tmp_path / "site"
    install(site, "2.0")
    reads = reads_counted(monkeypatch)
    distributions.index(str(site))
    kept = distributions._kept_file(str(site))
    kept.write_text('{"folder": 1, "key": [')
    fresh_process()
    assert distributions.index(str(site))["obsdist"][1] == "2.0"
    assert len(reads) == 2

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    fresh_process()
    assert distributions.index(str(site))["obsdist"][1] == "2.0"
    assert len(reads) == 3 and blocked.read_text() == ""
