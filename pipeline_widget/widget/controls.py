"""The designer's buttons: each carries its `pw-*` hook class, by which tests, browser tests
and stylesheets find it, and calls its handler with no argument."""
from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w


def button(label: str, hook: str, handler: Callable[[], Any], icon: str = "",
           **options: Any) -> w.Button:
    """options: further Button traits (layout, tooltip, disabled, button_style)."""
    made = w.Button(description=label, icon=icon, **options)
    made.add_class(hook)
    made.on_click(lambda _: handler())
    return made
