"""The caller's environment put back around a cluster's start and end."""
from __future__ import annotations

import os

from pipeline_widget.run.executors.kept_environment import environment_kept, put_back


def test_variables_set_changed_or_removed_inside_are_put_back_and_named(monkeypatch):
    monkeypatch.setenv("PW_KEPT_CHANGED", "mine")
    monkeypatch.setenv("PW_KEPT_REMOVED", "mine too")
    monkeypatch.delenv("PW_KEPT_ADDED", raising=False)
    touched: set[str] = set()
    with environment_kept(touched) as saved:
        os.environ["PW_KEPT_CHANGED"] = "theirs"
        os.environ["PW_KEPT_ADDED"] = "theirs"
        del os.environ["PW_KEPT_REMOVED"]
    assert (os.environ["PW_KEPT_CHANGED"], os.environ["PW_KEPT_REMOVED"]) == ("mine", "mine too")
    assert "PW_KEPT_ADDED" not in os.environ
    assert touched == {"PW_KEPT_CHANGED", "PW_KEPT_ADDED", "PW_KEPT_REMOVED"}

    # set again later (a worker's restart): put back by name, other changes left alone
    os.environ["PW_KEPT_ADDED"] = "again"
    os.environ["PW_KEPT_CHANGED"] = "again"
    monkeypatch.setenv("PW_KEPT_USERS_OWN", "set since")
    put_back(saved, touched)
    assert "PW_KEPT_ADDED" not in os.environ and os.environ["PW_KEPT_CHANGED"] == "mine"
    assert os.environ["PW_KEPT_USERS_OWN"] == "set since"
