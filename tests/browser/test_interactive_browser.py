"""The interactive loop in a real JupyterLab: before a run the steps that would run have a
double border; after it none; after an edit the changed step and what reads it are marked
again, and "Run this step" runs the selected step alone (what it reads reused)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pipeline_widget.widget.styles import STALE_COLOUR

from .canvas import click_node, cy_eval, node_statuses, scroll_into_view
from .lab import PANEL, hook, press
from .test_designer_browser import SEED_STEPS, open_designer, rgb

pytestmark = pytest.mark.browser


def marked(page) -> dict[str, str]:
    """Step -> border style of the steps drawn with the would-run double border."""
    return cy_eval(page, """const out = {};
      cy.nodes().forEach(n => { if (n.style('border-style') === 'double')
                                  out[n.id()] = n.style('border-color'); });
      return out;""")


def wait_marked(page, names: list[str], timeout: float = 60_000) -> None:
    page.wait_for_function("""([sel, want]) => {
      const host = document.querySelector(sel);
      const el = host && [host, ...host.querySelectorAll('*')].find(e => e._cyreg && e._cyreg.cy);
      if (!el) return false;
      const have = el._cyreg.cy.nodes().filter(n => n.style('border-style') === 'double')
                                 .map(n => n.id()).sort();
      return JSON.stringify(have) === JSON.stringify(want);
    }""", arg=[".pw-canvas", sorted(names)], timeout=timeout, polling=200)


def test_would_run_marks_and_run_this_step(fresh_root, open_nb, tmp_path):
    page = open_designer(open_nb)
    wait_marked(page, SEED_STEPS)   # nothing has run yet: both would run
    assert set(marked(page).values()) == {rgb(STALE_COLOUR)}
    click_node(page, "train model")
    expect(hook(page, "pw-step-details")).to_contain_text("the next run would run it")
    scroll_into_view(page)
    page.screenshot(path=str(tmp_path / "before-run.png"))

    press(page, "pw-run")
    expect(hook(page, "pw-message")).to_contain_text("Finished", timeout=150_000)
    wait_marked(page, [])           # everything would be reused now

    # change train model's alpha: it alone would run again
    alpha = page.locator(f"{PANEL} .pw-param").filter(has_text="alpha").locator("input")
    alpha.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("0.9")
    page.keyboard.press("Enter")
    wait_marked(page, ["train model"])
    expect(hook(page, "pw-step-details")).to_contain_text("parameter 'alpha' changed")
    scroll_into_view(page)
    page.screenshot(path=str(tmp_path / "after-edit.png"))

    press(page, "pw-run-only")
    expect(hook(page, "pw-message")).to_contain_text("started", timeout=60_000)
    page.wait_for_function("""([sel]) => {
      const host = document.querySelector(sel);
      const el = host && [host, ...host.querySelectorAll('*')].find(e => e._cyreg && e._cyreg.cy);
      const nodes = el ? el._cyreg.cy.nodes() : [];
      return nodes.length === 2 && nodes.every(x => ['Finished', 'Reused'].includes(
        x.data('status')));
    }""", arg=[".pw-canvas"], timeout=150_000, polling=250)
    assert node_statuses(page) == {"prepare data": "Reused", "train model": "Finished"}
    wait_marked(page, [])
    scroll_into_view(page)
    page.screenshot(path=str(tmp_path / "after-partial.png"))
