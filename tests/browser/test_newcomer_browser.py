"""A newcomer's whole loop in JupyterLab, from an empty designer (a notebook whose one cell
makes it), with the mouse and the keyboard only: build prepare -> train -> evaluate on the
project's data, run, open the artefacts in JupyterLab tabs, change a parameter and read
what was reused, cancel a slow step, and load the saved file in a fresh designer.

Clicks are counted (`Flow.click`); typing into a field is counted apart (`Flow.type`)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .canvas import node_statuses, scroll_into_view, wait_canvas
from .lab import PANEL, accept_kernel_dialog, hook, kernel_status, run_all_cells
from .test_interactive_browser import wait_marked

pytestmark = pytest.mark.browser

FIRST_CELL = "from pipeline_widget import PipelineDesigner\nPipelineDesigner()"
CLICK_BUDGET = 15


@dataclass
class Flow:
    page: object
    shots: Path
    clicks: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)

    def click(self, what: str, locator) -> None:
        self.clicks.append(what)
        locator.click()

    def type(self, locator, text: str) -> None:
        """Focus the field, replace its text, leave it (the value syncs on blur)."""
        self.typed.append(text)
        locator.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Tab")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{len(self.clicks):02d}-{name}.png"))


def _control(page, hook_name: str, tag: str = "input"):
    return page.locator(f"{PANEL} .{hook_name} {tag}").first


def _tab(page, title: str):
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=title).first


def _newcomer_notebook(root: Path) -> str:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": FIRST_CELL}
    nb = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                       "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "newcomer.ipynb").write_text(json.dumps(nb))
    return "newcomer.ipynb"


def test_a_newcomer_builds_runs_inspects_and_reloads_a_pipeline(fresh_root, open_nb, tmp_path,
                                                                 request):
    for leftover in ("newcomer.pipeline.json",):
        (fresh_root / leftover).unlink(missing_ok=True)
    page = open_nb(_newcomer_notebook(fresh_root))
    run_all_cells(page)                     # the designer's first cell: an empty designer
    wait_canvas(page, nodes=0)
    flow = Flow(page, tmp_path)
    panel = page.locator(PANEL)

    def add(file_name: str, name: str, wait: list[str]) -> None:
        flow.type(_control(page, "pw-step-name"), name)
        flow.click(f"add {file_name}", panel.locator(".pw-add-source", has_text=file_name))
        wait_canvas(page, nodes=len(wait))
        expect(hook(page, "pw-message")).to_contain_text(f"added step '{name}'")

    # build: three steps, each after the one before (the link names are guessed)
    add("data_prep.py", "prepare", ["prepare"])
    expect(_control(page, "pw-dataset", "select")).to_have_value("data/raw.csv (register it)")
    expect(_control(page, "pw-dataset-as")).to_have_value("raw_data")
    flow.click("add dataset input", hook(page, "pw-add-dataset"))
    expect(hook(page, "pw-message")).to_contain_text("reads dataset 'raw' as 'raw_data'")
    add("train_model.ipynb", "train", ["prepare", "train"])
    expect(hook(page, "pw-message")).to_contain_text("passed to it as --folder")
    alpha = panel.locator(".pw-param").filter(has_text="alpha").locator("input")
    flow.type(alpha, "0.7")
    expect(hook(page, "pw-message")).to_contain_text("alpha = 0.7")
    add("evaluate_model.ipynb", "evaluate", ["prepare", "train", "evaluate"])
    expect(_control(page, "pw-output-name")).to_have_value("report")
    flow.click("add output", hook(page, "pw-add-output"))
    expect(hook(page, "pw-message")).to_contain_text("writes PipelineData 'report'")
    # validation runs after every edit: the problem list is live
    expect(hook(page, "pw-problems")).to_contain_text("no problems")
    flow.type(_control(page, "pw-path"), "newcomer.pipeline.json")
    flow.click("save", hook(page, "pw-save"))
    expect(hook(page, "pw-message")).to_contain_text("saved")
    assert (fresh_root / "newcomer.pipeline.json").is_file()
    scroll_into_view(page)
    flow.shot("built")

    # run, and look at what evaluate did
    flow.click("run", hook(page, "pw-run"))
    expect(hook(page, "pw-message")).to_contain_text("Finished", timeout=180_000)
    assert node_statuses(page) == {"prepare": "Finished", "train": "Finished",
                                   "evaluate": "Finished"}
    expect(hook(page, "pw-timeline")).to_contain_text("timeline")
    assert panel.locator(".pw-timeline svg rect").count() == 3
    details = hook(page, "pw-step-details")
    expect(details).to_contain_text("executed notebook")
    scroll_into_view(page)
    flow.shot("run-finished")

    flow.click("open the executed notebook", details.locator("a.pw-open",
                                                             has_text="executed.ipynb"))
    expect(_tab(page, "executed.ipynb")).to_be_visible()
    expect(page.locator(PANEL)).to_contain_text("r2 between")   # its printed result
    flow.shot("executed-notebook-tab")
    flow.click("back to the designer", _tab(page, "newcomer.ipynb"))
    flow.click("open the output CSV", hook(page, "pw-step-details").locator(
        "a.pw-open", has_text="scores.csv"))
    expect(_tab(page, "scores.csv")).to_be_visible()
    expect(page.locator(".jp-CSVViewer:visible, .jp-MainAreaWidget:visible").filter(
        has_text="").first).to_be_visible()
    flow.shot("csv-tab")
    flow.click("back to the designer", _tab(page, "newcomer.ipynb"))

    # a slower evaluation: only evaluate runs, the rest is reused; then cancel it
    rounds = page.locator(PANEL).locator(".pw-param").filter(
        has_text="bootstrap_rounds").locator("input")
    flow.type(rounds, "50000000")
    wait_marked(page, ["evaluate"])
    expect(hook(page, "pw-step-details")).to_contain_text("parameter 'bootstrap_rounds' "
                                                          "changed")
    flow.click("run", hook(page, "pw-run"))
    page.wait_for_function("""() => {
      const host = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .pw-canvas');
      const el = host && [host, ...host.querySelectorAll('*')].find(e => e._cyreg && e._cyreg.cy);
      const cy = el && el._cyreg.cy;
      return cy && cy.$id('evaluate').data('status') === 'Running'
             && / \\d+ s\\ncell \\d+ of \\d+$/.test(cy.$id('evaluate').data('display'));
    }""", timeout=120_000, polling=250)
    assert node_statuses(page)["prepare"] == "Reused"
    assert node_statuses(page)["train"] == "Reused"
    scroll_into_view(page)
    flow.shot("running")
    flow.click("cancel", hook(page, "pw-cancel"))
    expect(hook(page, "pw-message")).to_contain_text("Canceled", timeout=60_000)
    expect(hook(page, "pw-message")).to_contain_text("reused: prepare, train")
    scroll_into_view(page)
    flow.shot("canceled")

    # a fresh designer: run the cell again, load the saved file
    flow.click("run the cell again", page.locator(
        ".jp-NotebookPanel-toolbar [data-command='notebook:run-cell-and-select-next']").first)
    wait_canvas(page, nodes=0)
    flow.type(_control(page, "pw-path"), "newcomer.pipeline.json")
    flow.click("load", hook(page, "pw-load"))
    wait_canvas(page, nodes=3)
    wait_marked(page, [])            # the saved pipeline's last results are all reusable
    scroll_into_view(page)
    flow.shot("reloaded")

    report = (f"{len(flow.clicks)} clicks: {', '.join(flow.clicks)}; "
              f"{len(flow.typed)} fields typed into: {', '.join(map(repr, flow.typed))}")
    print(report)
    (tmp_path / "count.txt").write_text(report + "\n")
    assert len(flow.clicks) <= CLICK_BUDGET, report


def test_the_launcher_opens_a_new_notebook_with_an_empty_designer(fresh_root, page, lab,
                                                                  tmp_path):
    page.goto(lab.url("lab?reset"))
    card = page.locator(".jp-LauncherCard", has_text="New pipeline")
    expect(card).to_be_visible(timeout=60_000)
    page.screenshot(path=str(tmp_path / "launcher.png"))
    card.click()
    expect(page.locator(".lm-TabBar-tab.lm-mod-current",
                        has_text="New pipeline.ipynb")).to_be_visible(timeout=30_000)
    page.wait_for_selector(f"{PANEL} .jp-Notebook", timeout=60_000)
    deadline = time.monotonic() + 90
    while kernel_status(page) != "idle" and time.monotonic() < deadline:
        accept_kernel_dialog(page)
        page.wait_for_timeout(200)
    run_all_cells(page)
    wait_canvas(page, nodes=0)
    expect(hook(page, "pw-palette")).to_contain_text("add a step")
    page.screenshot(path=str(tmp_path / "new-pipeline.png"))
    made = fresh_root / "New pipeline.ipynb"
    assert made.is_file() and "PipelineDesigner()" in made.read_text()
    made.unlink()
