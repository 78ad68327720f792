"""A designer tab and its file on disk, in Chromium: opening leaves the tab saved; a save made
elsewhere (another editor, `git checkout`) is shown at once when the tab has no unsaved changes,
and asked about when it has; File > Reload from Disk works on the document."""
from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from .canvas import node_ids
from .document import (
    CANVAS,
    DOC,
    copy_seed,
    current_tab,
    file_item,
    is_dirty,
    open_folder,
    wait_designer,
    wait_dirty,
    wait_document_text,
    wait_message,
)

pytestmark = pytest.mark.browser

# Records, from before the tab opens, whether any tab ever showed the unsaved marker.
WATCH_DIRTY = """() => {
  window.__pwDirtySeen = false;
  const seen = () => { if (document.querySelector('.lm-TabBar-tab.jp-mod-dirty'))
                         window.__pwDirtySeen = true; };
  new MutationObserver(seen).observe(document.body,
    {subtree: true, attributes: true, attributeFilter: ['class'], childList: true});
}"""


def dirty_seen(page) -> bool:
    return page.evaluate("() => window.__pwDirtySeen")


def write_elsewhere(path, keep: list[str]) -> None:
    """Write the seed pipeline with only the steps `keep`, as another program would."""
    data = json.loads((path.parent / "seed.pipeline.json").read_text())
    data["steps"] = [s for s in data["steps"] if s["name"] in keep]
    path.write_text(json.dumps(data, indent=2) + "\n")


def open_with_an_unsaved_step(page, lab, name: str):
    """A copy of the seed pipeline open in a designer tab with a third step added, unsaved;
    the copy's path."""
    path = copy_seed(lab, name)
    open_folder(page, lab, "examples")
    file_item(page, f"{name}.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    page.locator(f"{DOC} .pw-add-after input").uncheck()
    page.locator(f"{DOC} .pw-add-source", has_text="evaluate_model.ipynb").click()
    wait_designer(page, nodes=3)
    wait_dirty(page, True)
    return path


def test_opening_a_pipeline_file_never_shows_the_unsaved_marker(page, lab, fresh_root):
    copy_seed(lab, "clean")
    open_folder(page, lab, "examples")
    page.evaluate(WATCH_DIRTY)
    file_item(page, "clean.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    page.wait_for_timeout(3000)   # the designer has settled: selection, statuses, checks
    assert not dirty_seen(page)


def test_a_new_pipeline_opens_saved(page, lab, fresh_root):
    """File > New > Pipeline: the empty file is the empty pipeline, no edit yet."""
    for old in (lab.root / "examples").glob("untitled*.pipeline.json"):
        old.unlink()
    open_folder(page, lab, "examples")
    page.evaluate(WATCH_DIRTY)
    page.evaluate("() => window.jupyterapp.commands.execute('pipeline-widget:create-new', "
                  "{cwd: 'examples'})")
    page.wait_for_function(f"() => !!document.querySelector('{DOC} .pw-palette')",
                           timeout=90_000)
    wait_document_text(page, '"name": "untitled"')
    page.wait_for_timeout(2000)
    assert current_tab(page).inner_text().strip() == "untitled.pipeline.json"
    assert not dirty_seen(page)
    # the first edit is one
    page.locator(f"{DOC} .pw-add-source", has_text="train_model.ipynb").click()
    wait_designer(page, nodes=1)
    wait_dirty(page, True)


def test_a_save_made_elsewhere_is_shown_in_a_saved_tab(page, lab, fresh_root):
    path = copy_seed(lab, "outside")
    open_folder(page, lab, "examples")
    file_item(page, "outside.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    write_elsewhere(path, keep=["prepare data"])
    wait_designer(page, nodes=1, timeout=20_000)
    assert node_ids(page, CANVAS) == ["prepare data"]
    wait_message(page, "showing outside.pipeline.json as it is now")
    assert not is_dirty(page)
    assert page.locator(".jp-Dialog").count() == 0   # nothing to ask: nothing was unsaved


def test_a_save_made_elsewhere_asks_in_a_tab_with_unsaved_changes(page, lab, fresh_root):
    path = open_with_an_unsaved_step(page, lab, "both")

    # first change on disk: keep the tab's version; the tab stays as it was, asked once
    write_elsewhere(path, keep=["prepare data"])
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(state="visible", timeout=20_000)
    assert "changed on disk" in dialog.inner_text()
    page.screenshot(path=str(lab.root.parent / "document-changed-on-disk.png"))
    dialog.locator("button", has_text="Keep Mine").click()
    dialog.wait_for(state="detached")
    page.wait_for_timeout(3500)   # two more looks at the disk: no second question
    assert page.locator(".jp-Dialog").count() == 0
    assert len(node_ids(page, CANVAS)) == 3 and is_dirty(page)

    # a second change: reload it; the designer shows the disk's pipeline, the tab is saved
    write_elsewhere(path, keep=[])
    dialog.wait_for(state="visible", timeout=20_000)
    dialog.locator("button", has_text="Reload").click()
    wait_message(page, "showing both.pipeline.json as it is now")
    wait_dirty(page, False)
    assert node_ids(page, CANVAS) == []
    assert '"steps": []' in page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.context.model.toString()")


def test_file_reload_from_disk_reverts_the_designer(page, lab, fresh_root):
    open_with_an_unsaved_step(page, lab, "reverted")
    page.locator(".lm-MenuBar-item", has_text="File").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Reload Pipeline from Disk").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(state="visible")
    dialog.locator("button", has_text="Reload").click()
    wait_designer(page, nodes=2)
    assert node_ids(page, CANVAS) == ["prepare data", "train model"]
    wait_dirty(page, False)
    wait_message(page, "as it is now")


def test_the_tabs_own_slow_save_is_not_a_change_made_elsewhere(page, lab, fresh_root):
    """The server writes the file before the tab hears that its save is done: a look at the
    disk in between must not take the tab's own write for another program's (it asked
    "File Changed" over a save, and the dialog then covered the page)."""
    open_with_an_unsaved_step(page, lab, "slow")

    held: list[str] = []

    def slow_answer(route) -> None:   # the save reaches the server; its answer comes late
        if route.request.method != "PUT":
            route.continue_()
            return
        answer = route.fetch()
        held.append(route.request.url)
        time.sleep(4)   # more than two looks at the disk (every 1.5 s)
        route.fulfill(response=answer)

    def the_save(url: str) -> bool:   # not the looks at the disk, which must pass meanwhile
        parts = urllib.parse.urlsplit(url)
        return (parts.path.endswith("/api/contents/examples/slow.pipeline.json")
                and "content=" not in parts.query)

    page.route(the_save, slow_answer)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    wait_dirty(page, False)
    assert held, "the save did not go through the slowed route"
    page.wait_for_timeout(3500)   # two more looks at the disk, now that the save is done
    assert page.locator(".jp-Dialog").count() == 0
    assert not is_dirty(page) and len(node_ids(page, CANVAS)) == 3
