"""The caller's environment variables, kept as they were around a cluster's start and end.

A dask.distributed nanny sets its worker's variables (thread counts of numerical
libraries, malloc trimming, a fixed PYTHONHASHSEED) in `os.environ` of the process that
starts it, and leaves them there. That process is the user's: a script, a notebook, the
designer's kernel. Every kernel it starts afterwards, on any executor, would inherit them:
numerical steps limited to one thread, one hash seed for all, and an environment that is
not the one the user set.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment_kept(touched: set[str] | None = None) -> Iterator[dict[str, str]]:
    """Put back, on leaving, every variable changed inside; yields the variables as they
    were. `touched`, if given, gains the names that were changed (for `put_back` later,
    when the same code may set them again: a nanny does on each worker restart)."""
    saved = dict(os.environ)
    try:
        yield saved
    finally:
        changed = {name for name in set(saved) | set(os.environ)
                   if saved.get(name) != os.environ.get(name)}
        put_back(saved, changed)
        if touched is not None:
            touched |= changed


def put_back(saved: Mapping[str, str], names: set[str]) -> None:
    """The variables `names` as in `saved`: set again, or removed if they were not set."""
    for name in names:
        if name in saved:
            os.environ[name] = saved[name]
        else:
            os.environ.pop(name, None)
