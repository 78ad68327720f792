"""The designer's document in Notebook 7, in Chromium: a pipeline file opened from Notebook 7's
file browser (/tree) opens in the designer (its /edit page), where it is edited and saved."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from .canvas import click_node, node_ids
from .document import (
    CANVAS,
    DOC,
    copy_seed,
    file_item,
    focus_canvas,
    wait_designer,
    wait_file,
    wait_message,
    wait_selected,
)

pytestmark = pytest.mark.browser

# Notebook 7's own pages log these with this harness (not this project's extension): the
# launcher extension finds no launcher, the shortcuts extension stumbles on settings the
# harness writes for JupyterLab's plugins, and the file browser's restore, on a page opened
# while the server remembers an earlier file browser, calls a command the page lacks.
NOTEBOOK7_NOISE = ("jupyter_app_launcher", "reading 'schema'",
                   "Cannot convert undefined or null to object",
                   "Command 'filebrowser:open-path' not registered")


def our_errors(console) -> list[str]:
    return [m for m in console.unexpected if not any(n in m for n in NOTEBOOK7_NOISE)]


def steps_in(text: str) -> list[str]:
    return sorted(s["name"] for s in json.loads(text)["steps"])


def test_notebook_7_opens_a_pipeline_file_in_the_designer_and_saves_it(page, lab, fresh_root):
    pytest.importorskip("notebook", minversion="7")
    path = copy_seed(lab, "nb7")
    tree = page.context.new_page()   # the page fixture's console check knows JupyterLab only
    tree_console = lab.watch_console(tree)
    tree.goto(lab.url(f"tree/{urllib.parse.quote('examples')}"))
    item = file_item(tree, "nb7.pipeline.json")
    item.wait_for(timeout=60_000)
    # Notebook 7 opens files in a page of their own (/edit/...), in a new browser tab
    with tree.context.expect_page(timeout=60_000) as opened:
        item.dblclick()
    doc = opened.value
    doc_console = lab.watch_console(doc)
    doc.wait_for_load_state()
    assert "/edit/examples/nb7.pipeline.json" in doc.url
    wait_designer(doc, nodes=2)
    assert node_ids(doc, CANVAS) == ["prepare data", "train model"]

    click_node(doc, "train model", CANVAS)
    wait_selected(doc, "train model")
    doc.locator(f"{DOC} .pw-add-source", has_text="evaluate_model.ipynb").click()
    wait_designer(doc, nodes=3)
    assert steps_in(path.read_text()) == ["prepare data", "train model"]   # not yet saved

    focus_canvas(doc)
    doc.keyboard.press("Control+s")
    text = wait_file(path, lambda t: len(steps_in(t)) == 3)
    assert steps_in(text) == ["evaluate model", "prepare data", "train model"]
    wait_message(doc, "saved nb7.pipeline.json")
    doc.screenshot(path=str(lab.root.parent / "document-notebook7.png"))
    assert our_errors(tree_console) == [] and our_errors(doc_console) == []
