"""How v1 hands data to a step (mounted, downloaded, as an input): locally the step gets
the folder itself, so each of these is the object as it is."""
from __future__ import annotations

from typing import Any, TypeVar

Self = TypeVar("Self", bound="AsIs")


class AsIs:
    def as_mount(self: Self, *args: Any, **kwargs: Any) -> Self:
        return self

    def as_download(self: Self, *args: Any, **kwargs: Any) -> Self:
        return self

    def as_input(self: Self, *args: Any, **kwargs: Any) -> Self:
        return self
