"""The browser benchmark still measures what it says, on a tiny pipeline (no timings checked)."""
from __future__ import annotations

import pytest

from benchmarks.browser_canvas import measure_in


@pytest.mark.browser
def test_benchmark_times_drawing_and_status_changes(lab, page):
    results = measure_in(page, lab, sizes=(6,), repeats=1, events=3)
    assert set(results["draw"]) == {("plain", 6), ("designer", 6)}
    assert all(len(times) == 1 and times[0] > 0 for times in results["draw"].values())
    assert {kind: len(delays) for kind, delays in results["status"].items()} == \
        {"plain": 3, "designer": 3}
