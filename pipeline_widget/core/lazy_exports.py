"""Packages whose public names load on first use: a command that needs one part of the
package (`pipeline-widget --help`, the kernel fork server a run starts first) loads only
that part."""
from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, exports: dict[str, str],
                 namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`: each name in `exports` taken from the module
    named beside it (relative to the package) when first asked for, then kept in
    `namespace` (the package's globals)."""
    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value
    return __getattr__
