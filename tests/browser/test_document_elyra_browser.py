"""Elyra's pipeline files (`*.pipeline`) open in the designer too, in Chromium: the extension
registers the suffix with the designer as its default (and under Open With) and hands the
file to the kernel's designer, which imports it; saving writes NAME.pipeline.json beside it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .canvas import click_node, node_ids
from .document import (
    CANVAS,
    DOC,
    current_tab,
    file_item,
    focus_canvas,
    is_dirty,
    open_folder,
    sessions_for,
    wait_designer,
    wait_dirty,
    wait_file,
    wait_message,
)

pytestmark = pytest.mark.browser

ELYRA = Path(__file__).resolve().parents[1] / "interop" / "projects" / "elyra"


def copy_elyra(lab) -> None:
    shutil.copytree(ELYRA, lab.root / "elyra", dirs_exist_ok=True)


def test_an_elyra_pipeline_file_opens_in_a_designer_tab(page, lab, fresh_root):
    copy_elyra(lab)
    open_folder(page, lab, "elyra")
    factories = page.evaluate("""() => window.jupyterapp.docRegistry
        .preferredWidgetFactories('elyra/weather.pipeline').map(f => f.name)""")
    assert factories[0] == "Pipeline Designer"
    assert "Editor" in factories   # the text stays a double-click away, under Open With
    file_item(page, "weather.pipeline").dblclick()
    # the designer in the tab's kernel was given the file (its name is on the message line
    # or in the pipeline it shows)
    page.wait_for_function(f"""() => {{
      const doc = document.querySelector('{DOC}');
      return !!doc && !!doc.querySelector('.pw-palette') && doc.innerText.includes('weather');
    }}""", timeout=90_000)
    assert current_tab(page).inner_text().strip() == "weather.pipeline"
    assert len(sessions_for(lab, "elyra/weather.pipeline")) == 1


def test_an_elyra_pipeline_file_is_drawn_and_saved_beside_itself(page, lab, fresh_root):
    copy_elyra(lab)
    source = lab.root / "elyra" / "weather.pipeline"
    before = source.read_text()
    beside = source.with_name("weather.pipeline.json")
    beside.unlink(missing_ok=True)
    open_folder(page, lab, "elyra")
    file_item(page, "weather.pipeline").dblclick()
    wait_designer(page, nodes=4, timeout=60_000)
    assert len(node_ids(page, CANVAS)) == 4
    wait_message(page, "saving writes weather.pipeline.json beside it")
    assert not is_dirty(page)

    # an edit marks the tab unsaved; Ctrl+S writes the pipeline beside the Elyra file, which
    # stays as it was, and opens that file in a designer tab of its own
    click_node(page, node_ids(page, CANVAS)[0], CANVAS)
    page.keyboard.press("Delete")
    wait_designer(page, nodes=3)
    wait_dirty(page, True)
    focus_canvas(page)
    page.keyboard.press("Control+s")
    text = wait_file(beside, lambda t: bool(t.strip()))
    assert len(json.loads(text)["steps"]) == 3
    assert source.read_text() == before
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab",
                 has_text="weather.pipeline.json").wait_for(timeout=60_000)
    wait_designer(page, nodes=3)
