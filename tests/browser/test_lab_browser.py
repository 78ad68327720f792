"""The browser harness itself: a notebook without a kernelspec opens (the kernel dialog is
accepted), a plain ipycytoscape graph renders, and a mouse click on a node (found through the
cytoscape instance) reaches the kernel."""
from __future__ import annotations

import pytest

from tests.conftest import write_notebook

from .canvas import click_node, fit_canvas, node_ids, wait_canvas
from .lab import cell_errors, open_notebook, run_all_cells

GRAPH = """
import ipycytoscape, ipywidgets as W
g = ipycytoscape.CytoscapeWidget()
g.graph.add_graph_from_json({'nodes': [{'data': {'id': n, 'label': n}} for n in ('a b', 'c', 'd')],
                             'edges': [{'data': {'source': 'a b', 'target': 'c'}},
                                       {'data': {'source': 'a b', 'target': 'd'}}]},
                            directed=True)
g.set_layout(name='breadthfirst', directed=True)
g.layout.height = '300px'
clicked = W.Label('none')
clicked.add_class('smoke-clicked')
g.on('node', 'click', lambda node: setattr(clicked, 'value', node['data']['id']))
box = W.VBox([g, clicked])
box.add_class('smoke-canvas')
box
"""


@pytest.mark.browser
def test_plain_graph_renders_and_node_click_reaches_kernel(lab, lab_root, page):
    # no kernelspec: JupyterLab asks which kernel, and the harness accepts its choice
    write_notebook(lab_root / "notebooks" / "_plain_graph.ipynb", None, GRAPH, kernel=False)
    assert open_notebook(page, lab, "notebooks/_plain_graph.ipynb")
    run_all_cells(page)
    assert cell_errors(page) == []
    wait_canvas(page, nodes=3, canvas=".smoke-canvas")
    assert node_ids(page, ".smoke-canvas") == ["a b", "c", "d"]

    fit_canvas(page, ".smoke-canvas")  # a plain graph lays out before its box has a size
    click_node(page, "d", ".smoke-canvas")
    page.wait_for_function(
        "() => document.querySelector('.smoke-clicked').textContent.trim() === 'd'",
        timeout=10_000)
