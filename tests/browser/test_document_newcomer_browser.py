"""A newcomer's loop in a designer tab, from File > New > Pipeline to the reopened file, with the
mouse and the keyboard only: build prepare -> train -> evaluate on the project's data, save with
Ctrl+S, run, change a parameter, start a slow run and cancel it, close (saving) and reopen.

Clicks, keys pressed and scrolls (a control out of view when it is needed) are counted."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from .canvas import node_statuses
from .document import CANVAS, DOC, current_tab, file_item, wait_designer, wait_dirty, wait_file

pytestmark = pytest.mark.browser

CLICK_BUDGET, KEY_BUDGET = 18, 40


@dataclass
class Flow:
    page: object
    clicks: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    scrolls: list[str] = field(default_factory=list)

    def _seen(self, what: str, locator) -> None:
        """A control below or above the visible part of the tab would need a scroll."""
        visible = locator.evaluate("""el => {
          const box = el.getBoundingClientRect();
          const host = el.closest('.pw-DesignerPanel');
          const view = host ? host.getBoundingClientRect() : {top: 0, bottom: innerHeight};
          return box.top >= view.top && box.bottom <= view.bottom;
        }""")
        if not visible:
            self.scrolls.append(what)

    def click(self, what: str, locator, dbl: bool = False) -> None:
        self._seen(what, locator)
        self.clicks.append(what)
        locator.dblclick() if dbl else locator.click()

    def press(self, key: str) -> None:
        self.keys.append(key)
        self.page.keyboard.press(key)

    def type(self, what: str, locator, text: str) -> None:
        """Click the field, select its text, type, leave it (the value syncs on blur)."""
        self.click(what, locator)
        self.press("ControlOrMeta+a")
        for ch in text:
            self.press(ch)
        self.press("Tab")

    def report(self) -> str:
        return (f"{len(self.clicks)} clicks ({', '.join(self.clicks)}); {len(self.keys)} keys; "
                f"{len(self.scrolls)} scrolls ({', '.join(self.scrolls)})")


def in_doc(page, hook: str, tag: str = ""):
    return page.locator(f"{DOC} .{hook} {tag}".strip()).first


def test_a_newcomer_builds_saves_runs_and_reopens_a_pipeline_document(page, lab, fresh_root):
    for old in lab.root.glob("untitled*.pipeline.json"):
        old.unlink()
    page.goto(lab.url("lab?reset"))
    page.locator(".jp-DirListing-item").first.wait_for(timeout=60_000)
    flow = Flow(page)
    message = in_doc(page, "pw-message")

    flow.click("File", page.locator(".lm-MenuBar-item", has_text="File").first)
    flow.click("New", page.locator(".lm-Menu-item:visible", has_text="New").first)
    flow.click("Pipeline", page.locator(".lm-Menu-item:visible", has_text="Pipeline").first)
    in_doc(page, "pw-palette").wait_for(timeout=90_000)
    path = lab.root / "untitled.pipeline.json"

    def add(file_name: str, step: str, nodes: int) -> None:
        flow.click(f"add {file_name}", page.locator(f"{DOC} .pw-add-source",
                                                    has_text=file_name))
        wait_designer(page, nodes=nodes)
        expect(message).to_contain_text(f"added step '{step}'")

    add("data_prep.py", "data prep", 1)
    expect(in_doc(page, "pw-dataset", "select")).to_have_value("data/raw.csv (register it)")
    flow.click("add dataset input", in_doc(page, "pw-add-dataset"))
    expect(message).to_contain_text("reads dataset 'raw' as 'raw_data'")
    add("train_model.ipynb", "train model", 2)
    flow.type("alpha", page.locator(f"{DOC} .pw-param").filter(has_text="alpha")
              .locator("input"), "0.7")
    expect(message).to_contain_text("alpha = 0.7")
    add("evaluate_model.ipynb", "evaluate model", 3)
    flow.click("add output", in_doc(page, "pw-add-output"))
    expect(message).to_contain_text("writes PipelineData 'report'")
    expect(in_doc(page, "pw-problems")).to_contain_text("no problems")

    flow.press("Control+s")
    text = wait_file(path, lambda t: t.strip() and len(json.loads(t)["steps"]) == 3)
    assert json.loads(text)["name"] == "untitled"
    wait_dirty(page, False)

    flow.click("run", in_doc(page, "pw-run"))
    expect(message).to_contain_text("Finished", timeout=180_000)
    assert set(node_statuses(page, CANVAS).values()) == {"Finished"}

    # a slower evaluation (evaluate model is still selected): the rest is reused; cancel it
    rounds = page.locator(f"{DOC} .pw-param").filter(has_text="bootstrap_rounds")
    flow.type("bootstrap_rounds", rounds.locator("input"), "50000000")
    wait_dirty(page, True)
    flow.click("run", in_doc(page, "pw-run"))
    page.wait_for_function(f"""() => {{
      const host = document.querySelector('{CANVAS}');
      const el = host && [host, ...host.querySelectorAll('*')].find(e => e._cyreg);
      const cy = el && el._cyreg.cy;
      return cy && cy.$id('evaluate model').data('status') === 'Running';
    }}""", timeout=120_000, polling=250)
    flow.click("cancel", in_doc(page, "pw-cancel"))
    expect(message).to_contain_text("Canceled", timeout=60_000)

    # close, saving the change, and reopen
    flow.click("close the tab", current_tab(page).locator(".lm-TabBar-tabCloseIcon"))
    flow.click("Save", page.locator(".jp-Dialog button", has_text="Save").first)
    page.locator(DOC).wait_for(state="detached")
    assert '"bootstrap_rounds": 50000000' in path.read_text()
    flow.click("reopen", file_item(page, "untitled.pipeline.json"), dbl=True)
    wait_designer(page, nodes=3)
    assert sorted(node_statuses(page, CANVAS)) == ["data prep", "evaluate model", "train model"]

    print(flow.report())
    assert len(flow.clicks) <= CLICK_BUDGET, flow.report()
    assert len(flow.keys) <= KEY_BUDGET, flow.report()
    assert flow.scrolls == [], flow.report()
