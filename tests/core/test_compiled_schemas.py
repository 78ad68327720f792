"""The pipeline file's compiled validator is kept in the user's cache folder and loaded
from there; a folder that cannot be written or a damaged file only costs a compile."""
from __future__ import annotations

import fastjsonschema
import pytest

from pipeline_widget.core import compiled_schemas, schema

VALID = {"schema_version": 1, "name": "p", "steps": []}
REFERENCE = fastjsonschema.compile(schema.build())   # as the validator was made before


def errors_of(validate, document) -> str | None:
    try:
        validate(document)
    except fastjsonschema.JsonSchemaValueException as err:
        return err.message
    return None


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pipeline-widget" / "validators"


def invalid_documents() -> list[dict]:
    return [{"steps": []}, {"name": "p", "steps": [{"type": "NoSuchStep"}]},
            {"name": "p", "steps": [], "unknown": 1}]


def test_the_validator_is_kept_and_loaded_again_without_compiling(cache, monkeypatch):
    whole = schema.build()
    first = compiled_schemas.compiled(whole)
    (kept,) = cache.glob("schema_*.py")

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(fastjsonschema, "compile_to_code", no_compiling)
    monkeypatch.setattr(fastjsonschema, "compile", no_compiling)
    again = compiled_schemas.compiled(whole)
    assert list(cache.glob("schema_*.py")) == [kept]
    for validate in (first, again):
        assert errors_of(validate, VALID) is None
        assert [errors_of(validate, d) for d in invalid_documents()] == \
            [errors_of(REFERENCE, d) for d in invalid_documents()]
    assert all(errors_of(again, d) for d in invalid_documents())


def test_an_unwritable_cache_or_a_damaged_file_still_validates(cache, monkeypatch, tmp_path):
    whole = schema.build()
    compiled_schemas.compiled(whole)
    (kept,) = cache.glob("schema_*.py")
    kept.write_text("this is not python (")
    mended = compiled_schemas.compiled(whole)
    assert errors_of(mended, VALID) is None and errors_of(mended, {"steps": []})
    assert "validate_document" in kept.read_text()   # written again

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))   # no folder can be made under it
    in_memory = compiled_schemas.compiled(whole)
    assert errors_of(in_memory, VALID) is None and errors_of(in_memory, {"steps": []})
    assert blocked.read_text() == ""
