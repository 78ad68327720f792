"""Driving the designer's document (a `*.pipeline.json` tab of the pipeline-widget extension)."""
from __future__ import annotations

import shutil
import time
import urllib.parse
from pathlib import Path

from .canvas import wait_canvas
from .lab import LabServer

DOC = ".pw-DesignerDocument:not(.lm-mod-hidden)"
CANVAS = f"{DOC} .pw-canvas"
CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"


def copy_seed(lab: LabServer, name: str) -> Path:
    """A copy of the seed pipeline in the root's examples/ folder, for one test to change."""
    target = lab.root / "examples" / f"{name}.pipeline.json"
    shutil.copyfile(lab.root / "examples" / "seed.pipeline.json", target)
    return target


def open_folder(page, lab: LabServer, folder: str) -> None:
    """A fresh JupyterLab layout with the file browser in `folder`."""
    page.goto(lab.url(f"lab/tree/{urllib.parse.quote(folder)}?reset"))
    page.wait_for_selector(".jp-DirListing-content .jp-DirListing-item", timeout=60_000)


def file_item(page, name: str):
    return page.locator(".jp-DirListing-item", has=page.locator(
        ".jp-DirListing-itemText", has_text=name)).first


def wait_designer(page, nodes: int | None = None, timeout: float = 90_000) -> None:
    """Wait until the current designer tab has drawn its canvas (with `nodes` nodes)."""
    wait_canvas(page, nodes=nodes, canvas=CANVAS, timeout=timeout)


def current_tab(page):
    return page.locator(CURRENT_TAB).first


def is_dirty(page) -> bool:
    return "jp-mod-dirty" in (current_tab(page).get_attribute("class") or "")


def wait_dirty(page, dirty: bool, timeout: float = 20_000) -> None:
    page.wait_for_function("""([sel, dirty]) => {
      const tab = document.querySelector(sel);
      return !!tab && tab.classList.contains('jp-mod-dirty') === dirty;
    }""", arg=[CURRENT_TAB, dirty], timeout=timeout, polling=100)


def focus_canvas(page) -> None:
    """Click an empty corner of the canvas, so keys go to the designer's tab."""
    box = page.locator(CANVAS).bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + 8)


def wait_file(path: Path, predicate, timeout: float = 20) -> str:
    """Wait until the file's text satisfies `predicate`; returns the text."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if predicate(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"{path} never became as expected; it holds:\n{text[:2000]}")


def message(page) -> str:
    return page.locator(f"{DOC} .pw-message").first.inner_text()


def sessions_for(lab: LabServer, path: str) -> list[dict]:
    return [s for s in lab.api("GET", "api/sessions") if s.get("path") == path]


def wait_selected(page, step: str, timeout: float = 20_000) -> None:
    """Wait until the designer in the kernel has the click on `step` (its palette offers to add
    after it)."""
    page.wait_for_function("""([sel, step]) => {
      const el = document.querySelector(sel);
      return !!el && el.innerText.includes(`after '${step}'`);
    }""", arg=[f"{DOC} .pw-add-after", step], timeout=timeout, polling=100)


def wait_document_text(page, substring: str, timeout: float = 20_000) -> None:
    """Wait until the current document's text (its model, not the file) holds `substring`."""
    page.wait_for_function("""(substring) => {
      const w = window.jupyterapp.shell.currentWidget;
      return !!w && !!w.context && w.context.model.toString().includes(substring);
    }""", arg=substring, timeout=timeout, polling=100)


def wait_message(page, substring: str, timeout: float = 20_000) -> None:
    """Wait until the designer's message line says `substring`."""
    page.wait_for_function("""([sel, substring]) => {
      const el = document.querySelector(sel);
      return !!el && el.innerText.includes(substring);
    }""", arg=[f"{DOC} .pw-message", substring], timeout=timeout, polling=100)
