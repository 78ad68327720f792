"""Reading and clicking the designer's cytoscape canvas in the page."""
from __future__ import annotations

from typing import Any

from .lab import CY_JS, PANEL  # noqa: F401


def cy_eval(page, body: str, arg: Any = None, canvas: str = ".pw-canvas") -> Any:
    """Evaluate `body` (JS statements using `cy` and `arg`, ending in a return) in the page."""
    return page.evaluate(f"""([sel, arg]) => {{ {CY_JS}
      const cy = cyIn(sel);
      if (!cy) throw new Error('no cytoscape canvas in ' + sel);
      {body}
    }}""", [canvas, arg])


def wait_canvas(page, nodes: int | None = None, canvas: str = ".pw-canvas",
                timeout: float = 60_000) -> None:
    """Wait until a cytoscape instance in `canvas` is drawn (with `nodes` nodes, if given)."""
    page.wait_for_function(f"""([sel, n]) => {{ {CY_JS}
      const cy = cyIn(sel);
      if (!cy || cy.width() === 0) return false;
      return n === null ? cy.nodes().length > 0 : cy.nodes().length === n;
    }}""", arg=[canvas, nodes], timeout=timeout, polling=100)


def node_ids(page, canvas: str = ".pw-canvas") -> list[str]:
    return sorted(cy_eval(page, "return cy.nodes().map(n => n.id());", canvas=canvas))


def node_statuses(page, canvas: str = ".pw-canvas") -> dict[str, Any]:
    return cy_eval(page, """const out = {};
      cy.nodes().forEach(n => { out[n.id()] = n.data('status') ?? null; });
      return out;""", canvas=canvas)


def node_point(page, node_id: str, canvas: str = ".pw-canvas") -> tuple[float, float]:
    """Where node `node_id` is on the screen: its rendered position plus the container's box."""
    scroll_into_view(page, canvas)
    return tuple(cy_eval(page, """
      const node = cy.getElementById(arg);
      if (node.empty()) throw new Error('no node ' + arg);
      const box = cy.container().getBoundingClientRect();
      const p = node.renderedPosition();
      if (p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height)
        throw new Error(`node ${arg} is outside the visible canvas: ${p.x},${p.y} in ` +
                        `${box.width}x${box.height}`);
      return [box.left + p.x, box.top + p.y];""", node_id, canvas=canvas))


def scroll_into_view(page, canvas: str = ".pw-canvas") -> None:
    """Bring the canvas to the middle of the window and let cytoscape see the scroll."""
    cy_eval(page, "cy.container().scrollIntoView({block: 'center', behavior: 'instant'});"
                  "return null;", canvas=canvas)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def fit_canvas(page, canvas: str = ".pw-canvas") -> None:
    """Fit the whole graph into the canvas, as the reset-view of a person would."""
    cy_eval(page, "cy.resize(); cy.fit(undefined, 30); return null;", canvas=canvas)


def click_node(page, node_id: str, canvas: str = ".pw-canvas") -> None:
    x, y = node_point(page, node_id, canvas)
    page.mouse.click(x, y)


# ---------------------------------------------------------------- ipywidgets controls by hook
