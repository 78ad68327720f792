"""The designer as a JupyterLab document, in Chromium: a `*.pipeline.json` opens in a designer
tab (its own kernel session), edits make the tab unsaved, Ctrl+S writes the file, closing with
unsaved changes asks, reopening shows what was saved."""
from __future__ import annotations

import json

import pytest

from .canvas import click_node, cy_eval, fit_canvas, node_ids, node_point, scroll_into_view, wait_canvas
from .document import (
    CANVAS,
    DOC,
    copy_seed,
    current_tab,
    file_item,
    focus_canvas,
    is_dirty,
    message,
    open_folder,
    sessions_for,
    wait_designer,
    wait_dirty,
    wait_document_text,
    wait_file,
    wait_message,
    wait_selected,
)
from .lab import CY_JS, run_all_cells

pytestmark = pytest.mark.browser


def steps_in(text: str) -> list[str]:
    return sorted(s["name"] for s in json.loads(text)["steps"]) if text.strip() else []


def test_double_click_opens_a_pipeline_file_in_the_designer(page, lab, fresh_root):
    copy_seed(lab, "opened")
    open_folder(page, lab, "examples")
    file_item(page, "opened.pipeline.json").dblclick()
    wait_designer(page, nodes=2)

    assert node_ids(page, CANVAS) == ["prepare data", "train model"]
    assert current_tab(page).inner_text().strip() == "opened.pipeline.json"
    assert not is_dirty(page)   # opening changes nothing
    factories = page.evaluate("""() => window.jupyterapp.docRegistry
        .preferredWidgetFactories('examples/opened.pipeline.json').map(f => f.name)""")
    assert factories[0] == "Pipeline Designer"
    assert "Editor" in factories and "JSON" in factories   # still under Open With
    # a kernel session of its own, for this file
    assert len(sessions_for(lab, "examples/opened.pipeline.json")) == 1


def test_edit_save_close_and_reopen(page, lab, fresh_root):
    path = copy_seed(lab, "edited")
    before = path.read_text()
    open_folder(page, lab, "examples")
    file_item(page, "edited.pipeline.json").dblclick()
    wait_designer(page, nodes=2)

    # edit: a third step after 'train model'
    click_node(page, "train model", CANVAS)
    wait_selected(page, "train model")
    page.locator(f"{DOC} .pw-add-source", has_text="evaluate_model.ipynb").click()
    wait_designer(page, nodes=3)
    wait_dirty(page, True)
    wait_document_text(page, '"evaluate model"')
    assert path.read_text() == before, "an edit must not write the file before Ctrl+S"

    # Ctrl+S saves through the document: the file on disk changes, the marker goes
    focus_canvas(page)
    page.keyboard.press("Control+s")
    text = wait_file(path, lambda t: len(steps_in(t)) == 3)
    assert steps_in(text) == ["evaluate model", "prepare data", "train model"]
    wait_dirty(page, False)
    wait_message(page, "saved edited.pipeline.json")

    # Ctrl+Z undoes the step (the tab is unsaved again), Ctrl+Shift+Z redoes it
    focus_canvas(page)
    page.keyboard.press("Control+z")
    wait_designer(page, nodes=2)
    wait_dirty(page, True)
    page.keyboard.press("Control+Shift+z")
    wait_designer(page, nodes=3)
    page.keyboard.press("Control+z")
    wait_designer(page, nodes=2)

    # closing with unsaved changes asks; Discard keeps the saved file
    current_tab(page).locator(".lm-TabBar-tabCloseIcon").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(state="visible")
    assert "unsaved" in dialog.inner_text().lower() or "save" in dialog.inner_text().lower()
    dialog.locator("button", has_text="Discard").click()
    page.locator(DOC).wait_for(state="detached")
    assert steps_in(path.read_text()) == ["evaluate model", "prepare data", "train model"]
    # closing the tab shut its kernel session down
    page.wait_for_function("() => true")
    for _ in range(50):
        if not sessions_for(lab, "examples/edited.pipeline.json"):
            break
        page.wait_for_timeout(200)
    assert sessions_for(lab, "examples/edited.pipeline.json") == []

    # reopening shows the saved edit
    file_item(page, "edited.pipeline.json").dblclick()
    wait_designer(page, nodes=3)
    assert node_ids(page, CANVAS) == ["evaluate model", "prepare data", "train model"]
    assert not is_dirty(page)


def test_delete_and_escape_keys(page, lab, fresh_root):
    copy_seed(lab, "keys")
    open_folder(page, lab, "examples")
    file_item(page, "keys.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    click_node(page, "train model", CANVAS)
    wait_selected(page, "train model")
    page.keyboard.press("Escape")
    page.wait_for_function(f"""() => document.querySelector('{DOC} .pw-add-after')
                              .innerText.includes('after the selected step')""")
    page.keyboard.press("Delete")   # nothing selected: nothing removed, and it says so
    wait_message(page, "click a step or a link to remove first")
    assert len(node_ids(page, CANVAS)) == 2
    click_node(page, "train model", CANVAS)
    wait_selected(page, "train model")
    page.keyboard.press("Delete")
    wait_designer(page, nodes=1)
    wait_message(page, "removed step 'train model'")
    wait_dirty(page, True)


def test_file_new_pipeline_makes_and_opens_an_untitled_pipeline(page, lab, fresh_root):
    for old in (lab.root / "examples").glob("untitled*.pipeline.json"):
        old.unlink()
    open_folder(page, lab, "examples")
    page.locator(".lm-MenuBar-item", has_text="File").first.click()
    page.locator(".lm-Menu-item:visible", has_text="New").first.hover()
    page.locator(".lm-Menu-item:visible", has_text="Pipeline").first.click()
    page.locator(DOC).wait_for(state="visible", timeout=60_000)
    page.wait_for_function(f"""() => !!document.querySelector('{DOC} .pw-palette')""",
                           timeout=90_000)
    created = sorted((lab.root / "examples").glob("untitled*.pipeline.json"))
    assert [p.name for p in created] == ["untitled.pipeline.json"]
    assert current_tab(page).inner_text().strip() == "untitled.pipeline.json"
    page.locator(f"{DOC} .pw-add-source", has_text="train_model.ipynb").click()
    wait_designer(page, nodes=1)
    wait_document_text(page, '"train model"')
    focus_canvas(page)
    page.keyboard.press("Control+s")
    assert steps_in(wait_file(created[0], lambda t: bool(steps_in(t)))) == ["train model"]


def test_a_double_click_on_a_step_opens_its_notebook(page, lab, fresh_root):
    copy_seed(lab, "opens")
    open_folder(page, lab, "examples")
    file_item(page, "opens.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    x, y = node_point(page, "train model", CANVAS)
    page.mouse.dblclick(x, y)
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="train_model.ipynb").wait_for()
    assert current_tab(page).inner_text().strip() == "train_model.ipynb"
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").wait_for()


def test_a_notebook_dragged_from_the_file_browser_onto_the_canvas_becomes_a_step(page, lab,
                                                                                 fresh_root):
    copy_seed(lab, "dropped")
    open_folder(page, lab, "examples")
    file_item(page, "dropped.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    click_node(page, "train model", CANVAS)
    wait_selected(page, "train model")
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:go-to-path', "
                  "{path: 'steps', dontShowBrowser: true})")
    source = file_item(page, "evaluate_model.ipynb")
    source.wait_for()
    box = source.bounding_box()
    target = page.locator(CANVAS).bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    for i in range(1, 11):   # a Lumino drag starts after a few pixels and follows the mouse
        page.mouse.move(box["x"] + 30 + (target["x"] + 200 - box["x"] - 30) * i / 10,
                        box["y"] + (target["y"] + target["height"] - 60 - box["y"]) * i / 10)
    page.mouse.up()
    wait_designer(page, nodes=3)
    wait_message(page, "added step 'evaluate model'")
    assert "it reads 'model' from 'train model'" in message(page)
    # the designer was not squeezed by a split panel: one tab area, the designer's
    assert page.locator(".lm-DockPanel-tabBar").count() == 1
    assert current_tab(page).inner_text().strip() == "dropped.pipeline.json"
    wait_dirty(page, True)


def test_dragging_a_step_onto_another_links_them(page, lab, fresh_root):
    copy_seed(lab, "linked")
    open_folder(page, lab, "examples")
    file_item(page, "linked.pipeline.json").dblclick()
    wait_designer(page, nodes=2)
    page.locator(f"{DOC} .pw-add-after input").uncheck()   # added alone, not after a step
    page.locator(f"{DOC} .pw-add-source", has_text="evaluate_model.ipynb").click()
    wait_designer(page, nodes=3)
    assert cy_eval(page, "return cy.edges().length;", canvas=CANVAS) == 1
    fit_canvas(page, CANVAS)
    ax, ay = node_point(page, "train model", CANVAS)
    bx, by = node_point(page, "evaluate model", CANVAS)
    page.mouse.move(ax, ay)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(ax + (bx - ax) * i / 10, ay + (by - ay) * i / 10)
    page.mouse.up()
    wait_message(page, "'evaluate model' now reads PipelineData 'model' written by 'train model'")
    page.wait_for_function(f"""() => {{ {CY_JS} return cyIn('{CANVAS}').edges().length === 2; }}""")
    wait_document_text(page, '"model"')


def test_the_wheel_over_a_notebooks_canvas_scrolls_the_notebook(open_nb, fresh_root):
    page = open_nb("notebooks/Designer.ipynb")
    run_all_cells(page)
    wait_canvas(page, nodes=2)
    scroll_into_view(page)
    zoom = cy_eval(page, "return cy.zoom();")
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    before = page.evaluate(f"() => document.querySelector('{scroller}').scrollTop")
    box = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .pw-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(600)   # the page is still (cytoscape lets a wheel that goes on
    page.mouse.wheel(0, 150)     # scrolling the page through; this one starts over the graph)
    page.wait_for_timeout(300)
    after = page.evaluate(f"() => document.querySelector('{scroller}').scrollTop")
    assert after > before   # the page scrolled...
    assert cy_eval(page, "return cy.zoom();") == zoom   # ...and the graph kept its size
