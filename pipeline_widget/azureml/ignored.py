"""Settings of Azure ML SDK v1 that have no local meaning (compute targets, environments,
Docker, run configurations): accepted, collected, and named once in one warning line."""
from __future__ import annotations

import sys
from typing import Any

_seen: dict[str, None] = {}
_told: set[str] = set()


def ignore(what: str) -> None:
    """Remember that `what` was given and is not used locally."""
    _seen.setdefault(what, None)


def ignore_all(owner: str, **settings: Any) -> None:
    for key, value in settings.items():
        if value not in (None, False, [], {}, ()):
            ignore(f"{owner}({key}=...)" if key != "compute_target" else
                   f"compute_target {_label(value)!r}")


def _label(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "name", type(value).__name__)


def warn_once() -> None:
    """One line on stderr listing what was ignored and not yet named."""
    new = [what for what in _seen if what not in _told]
    if new:
        _told.update(new)
        print(f"note: ignored here (no local meaning): {', '.join(new)}", file=sys.stderr)


class Accepted:
    """An Azure ML object with no local meaning: takes any arguments and attributes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        ignore(type(self).__name__)
        self.__dict__.update(kwargs)
        self.name = kwargs.get("name") or (args[0] if args and isinstance(args[0], str) else
                                           type(self).__name__)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Accepted()

    def __call__(self, *args: Any, **kwargs: Any) -> "Accepted":
        return self
