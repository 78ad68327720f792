"""The layout of a designer tab, in Chromium: the properties panel beside the canvas is resized
by dragging the handle between them and collapsed by the handle's button; the tab's toolbar
zooms the canvas (Fit, +, -)."""
from __future__ import annotations

import pytest

from .canvas import cy_eval
from .document import CANVAS, DOC, copy_seed, file_item, open_folder, wait_designer

pytestmark = pytest.mark.browser

SIDE = f"{DOC} .pw-canvas-row > .pw-side"
HANDLE = f"{DOC} .pw-canvas-row > .pw-splitter"
TOGGLE = f"{HANDLE} .pw-side-toggle"


def open_seed(page, lab, name: str) -> None:
    copy_seed(lab, name)
    open_folder(page, lab, "examples")
    file_item(page, f"{name}.pipeline.json").dblclick()
    wait_designer(page, nodes=2)


def widths(page) -> dict[str, float]:
    """The panel's width, the canvas's drawing width (cytoscape's), its container's."""
    side = page.locator(SIDE)
    return {"side": side.bounding_box()["width"] if side.is_visible() else 0.0,
            "cy": cy_eval(page, "return cy.width();", canvas=CANVAS),
            "box": cy_eval(page, "return cy.container().getBoundingClientRect().width;",
                           canvas=CANVAS)}


def wait_canvas_width(page, width: float, tolerance: float = 3) -> None:
    """Wait until the canvas draws `width` px wide (and cytoscape knows it)."""
    page.wait_for_function(f"""([w, tol]) => {{
      const host = document.querySelector('{CANVAS}');
      for (const el of [host, ...host.querySelectorAll('*')]) {{
        if (el._cyreg && el._cyreg.cy) return Math.abs(el._cyreg.cy.width() - w) <= tol;
      }}
      return false;
    }}""", arg=[width, tolerance], timeout=10_000, polling=100)


def test_the_properties_panel_resizes_and_collapses(page, lab, fresh_root):
    open_seed(page, lab, "layout")
    page.locator(HANDLE).wait_for()
    page.screenshot(path=str(lab.root.parent / "document-layout-before.png"))
    before = widths(page)
    assert before["side"] > 250 and abs(before["cy"] - before["box"]) <= 3

    # drag the handle 150 px to the left: the panel widens, the canvas narrows by as much
    handle = page.locator(HANDLE).bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 7):
        page.mouse.move(x - 25 * i, y)
    page.mouse.up()
    wait_canvas_width(page, before["cy"] - 150, tolerance=6)
    wider = widths(page)
    assert abs(wider["side"] - (before["side"] + 150)) <= 6, (before, wider)
    page.screenshot(path=str(lab.root.parent / "document-layout-resized.png"))

    # collapse: the panel goes, the canvas takes its room and cytoscape draws that wide
    page.locator(TOGGLE).click()
    page.locator(SIDE).wait_for(state="hidden")
    row = page.locator(f"{DOC} .pw-canvas-row").bounding_box()["width"]
    wait_canvas_width(page, row - page.locator(HANDLE).bounding_box()["width"], tolerance=8)
    assert page.locator(TOGGLE).get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(lab.root.parent / "document-layout-collapsed.png"))

    # expand: the panel comes back at the width it was dragged to
    page.locator(TOGGLE).click()
    page.locator(SIDE).wait_for(state="visible")
    wait_canvas_width(page, wider["cy"], tolerance=6)
    assert abs(widths(page)["side"] - wider["side"]) <= 3


def zoom(page) -> float:
    return cy_eval(page, "return cy.zoom();", canvas=CANVAS)


def press_toolbar(page, name: str) -> None:
    page.locator(f"{DOC} .jp-Toolbar .pw-{name}").first.click()


def test_the_toolbar_zooms_the_canvas(page, lab, fresh_root):
    open_seed(page, lab, "zoomed")
    # the whole graph in view, whatever the drawing did first
    cy_eval(page, "cy.zoom(0.3); cy.pan({x: 5, y: 5}); return null;", canvas=CANVAS)
    press_toolbar(page, "zoomFit")
    fitted = zoom(page)
    assert fitted > 0.3
    inside = cy_eval(page, """const bb = cy.elements().renderedBoundingBox();
      return bb.x1 >= 0 && bb.y1 >= 0 && bb.x2 <= cy.width() && bb.y2 <= cy.height();""",
                     canvas=CANVAS)
    assert inside

    press_toolbar(page, "zoomOut")
    press_toolbar(page, "zoomOut")
    assert zoom(page) == pytest.approx(fitted / 1.25 ** 2, rel=1e-3)
    press_toolbar(page, "zoomIn")
    assert zoom(page) == pytest.approx(fitted / 1.25, rel=1e-3)
    page.screenshot(path=str(lab.root.parent / "document-zoomed.png"))
    press_toolbar(page, "zoomFit")
    assert zoom(page) == pytest.approx(fitted, rel=1e-3)
