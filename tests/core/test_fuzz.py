"""Generated malformed pipeline files: loading and validating them may only raise PipelineError."""
import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_widget import Pipeline, PipelineError, Workspace

SEED = json.loads((Path(__file__).resolve().parents[2] / "examples" / "seed.pipeline.json").read_text())

# Names that have broken parsers before: separators, dots, control characters, keywords, unicode.
NASTY_NAMES = ["", " ", "..", "../x", "a/b", "a\\b", "a-b", "1abc", "class", "None", "\x00", "\n",
               "é", "prepped", "model", "alpha", "raw_data", "notebook", "data", "parameter",
               "input", "dataset", "/abs/path", "~", "x" * 300, "/" + "x/" * 3000]
NASTY = st.sampled_from(NASTY_NAMES)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8)
    | NASTY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6) | NASTY, inner,
                                                                max_size=4),
    max_leaves=20)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_pipeline_errors(data, tmp_path: Path) -> None:
    try:
        pipeline = Pipeline.from_dict(data, Workspace(tmp_path), tmp_path, source="fuzz")
    except PipelineError:
        return
    try:
        problems = pipeline.validate()
        assert isinstance(problems, list)
        pipeline.to_dict(tmp_path)  # what loaded can be saved again
        pipeline.check()
    except PipelineError:
        pass


@FUZZ
@given(data=JSON)
def test_any_json_value(tmp_path_factory, data):
    only_pipeline_errors(data, tmp_path_factory.mktemp("fuzz"))


def paths(value, prefix=()):
    """Every path (tuple of keys) inside a JSON value, the root included."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*prefix, i))


SEED_PATHS = list(paths(SEED))


@st.composite
def mutated_seed(draw):
    """The seed file with a few places replaced (often by a nasty name), deleted, or given
    an extra key."""
    data = copy.deepcopy(SEED)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(SEED_PATHS))
        parent, target = data, None
        try:
            for key in path[:-1]:
                parent = parent[key]
            target = path[-1] if path else None
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "nasty", "delete", "add"]))
        if target is None:
            data = draw(JSON) if action == "replace" else data
            continue
        try:
            if action == "replace":
                parent[target] = draw(JSON)
            elif action == "nasty":
                parent[target] = draw(NASTY)
            elif action == "delete":
                del parent[target]
            elif isinstance(parent[target], dict):
                parent[target][draw(NASTY)] = draw(JSON)
            elif isinstance(parent[target], list):
                parent[target].append(draw(JSON))
        except (KeyError, IndexError, TypeError):
            continue
    return data


@FUZZ
@given(data=mutated_seed())
def test_mutated_seed_files(tmp_path_factory, data):
    only_pipeline_errors(data, tmp_path_factory.mktemp("fuzz"))


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_file_content_through_load(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "f.pipeline.json"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    try:
        Pipeline.load(path, workspace=Workspace(path.parent)).validate()
    except PipelineError:
        pass


def string_fields(value, prefix=()):
    """The paths of every string in a JSON value, and of every dict key."""
    if isinstance(value, str):
        yield prefix
    elif isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, ("key", k))
            yield from string_fields(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from string_fields(v, (*prefix, i))


def set_field(data, path, new):
    *parents, last = path
    for key in parents:
        data = data[key]
    if isinstance(last, tuple):  # a dict key: rename it
        data[new] = data.pop(last[1])
    else:
        data[last] = new


@pytest.mark.parametrize("path", list(string_fields(SEED)), ids=repr)
def test_every_string_of_the_seed_set_to_every_nasty_value(tmp_path, path):
    for nasty in NASTY_NAMES:
        data = copy.deepcopy(SEED)
        set_field(data, path, nasty)
        only_pipeline_errors(data, tmp_path)
