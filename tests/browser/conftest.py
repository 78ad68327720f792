"""A real JupyterLab on 127.0.0.1 in a temporary folder, driven by Debian's Chromium.

The server runs for the whole session with its own runtime, config and data folders, so it
never touches the user's Jupyter setup; everything a test writes (workspace, runs, saved
pipelines) lands in the temporary root folder, where the test can check it on disk.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from .lab import CHROMIUM, LabServer, launch_chromium, open_notebook, prepare_root

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    """Browser tests skip (with the reason) on a machine without Chromium or Playwright."""
    reason = None
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"{CHROMIUM} is missing (scripts/ensure_chromium.sh installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -e '.[test]')"
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """The server's root folder: a copy of the repository's notebooks, steps, data, examples."""
    return prepare_root(tmp_path_factory.mktemp("lab") / "root", REPO)


@pytest.fixture(scope="session")
def lab(lab_root: Path) -> Iterator[LabServer]:
    server = LabServer(lab_root, lab_root.parent / "jupyter")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    # The kernel answers clicks; on a busy CI machine that takes seconds, not milliseconds.
    expect.set_options(timeout=20_000)

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, lab: LabServer, request):
    """A fresh browser page; console errors other than known harmless ones fail the test."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    console = lab.watch_console(pg)
    try:
        yield pg
    finally:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            shot = lab.root.parent / f"failure-{request.node.name}.png"
            try:
                pg.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failure: {shot}")
            except Exception:
                pass
        lab.shutdown_kernels()
        context.close()
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        assert console.unexpected == [], f"unexpected browser console errors: {console.unexpected}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def open_nb(page, lab: LabServer):
    """Open a notebook of the root folder in JupyterLab; returns the page."""

    def opener(relpath: str):
        open_notebook(page, lab, relpath)
        return page

    return opener


@pytest.fixture
def fresh_root(lab_root: Path):
    """Forget the workspace a previous test left (runs, cache, registered datasets)."""
    for name in ("pipeline_workspace", "notebooks/pipeline_workspace"):
        shutil.rmtree(lab_root / name, ignore_errors=True)
    return lab_root
