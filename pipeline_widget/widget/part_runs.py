"""The part-run buttons of the runs panel: run the selected step only, from it, or up to it;
they name the step they would run ("Run 'train' only")."""
from __future__ import annotations

from functools import partial
from typing import Callable

import ipywidgets as w

from .controls import button

# (label without a selection, DOM hook, the submit option it sets)
PART_BUTTONS = (("Run this step", "pw-run-only", "only"),
                ("Run from here", "pw-run-from", "from_steps"),
                ("Run up to here", "pw-run-to", "to_steps"))
PART_LABELS = {"only": "Run '{}' only", "from_steps": "Run from '{}'",
               "to_steps": "Run up to '{}'"}


class PartRunButtons(w.HBox):
    """run_part(option) runs the part; `buttons` maps each option to its button."""

    def __init__(self, run_part: Callable[[str], object]) -> None:
        super().__init__()
        self.buttons = {option: button(label, hook, partial(run_part, option),
                                       icon="play-circle", disabled=True)
                        for label, hook, option in PART_BUTTONS}
        self.children = list(self.buttons.values())

    def name(self, step: str | None, running: bool = False) -> None:
        """Offer the buttons for `step` (None: no step selected; disabled while running)."""
        for label, _, option in PART_BUTTONS:
            part = self.buttons[option]
            part.disabled = step is None or running
            part.description = label if step is None else PART_LABELS[option].format(
                _short(step))
            part.tooltip = "" if step is None else PART_LABELS[option].format(step)


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[:width - 1] + "\u2026"
