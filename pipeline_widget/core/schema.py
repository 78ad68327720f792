"""The JSON Schema of `.pipeline.json`: the shared definitions (schema_base.json) and one
branch per step kind, each from the kind itself (Step.schema_branch), so a new kind (built
in or from an entry point) brings its own. `pipeline.schema.json` is this schema as
published for the kinds built in: `python -m pipeline_widget.core.schema` writes it, and a
test keeps the two the same.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

BASE_PATH = Path(__file__).with_name("schema_base.json")
PUBLISHED_PATH = Path(__file__).with_name("pipeline.schema.json")


def build() -> dict[str, Any]:
    """The schema for every step kind registered now."""
    from .steps import kinds

    schema = json.loads(BASE_PATH.read_text(encoding="utf-8"))
    schema["definitions"]["step"] = {
        "description": "one branch per step kind (its 'type')",
        "oneOf": [kind.schema_branch() for kind in kinds().values()]}
    return schema


def text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2) + "\n"


@lru_cache(maxsize=1)
def _compiled_for(kinds_key: tuple[str, ...]) -> Any:
    from .compiled_schemas import compiled

    return compiled(build())


def validator() -> Any:
    """A compiled validator of the whole file, for the kinds registered now."""
    from .steps import kinds

    return _compiled_for(tuple(kinds()))


def step_validator(kind: str) -> Any:
    import fastjsonschema

    from .steps import kinds

    schema = build()
    return fastjsonschema.compile({**kinds()[kind].schema_branch(),
                                   "definitions": schema["definitions"]})


if __name__ == "__main__":
    PUBLISHED_PATH.write_text(text(build()), encoding="utf-8")
    sys.stdout.write(f"wrote {PUBLISHED_PATH}\n")
