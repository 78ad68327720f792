"""Generated command lines and files: the command line answers with exit 0, 1, 2 or 130 and
a message, never a traceback, whatever it is given."""
import contextlib
import io
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_widget.cli import main
from tests.conftest import REPO
from tests.core.test_fuzz import JSON, NASTY_NAMES, SEED

NASTY = st.sampled_from([*NASTY_NAMES, "\x00", "-x", "--", "=", "a=b=c", "\x1b[2J", "\u202e",
                         "1e10", "-1", "0", "NaN", "[" * 50, '"quoted"'])
FILES = st.sampled_from(["seed.pipeline.json", "fuzzed.pipeline.json", "missing.json", ".",
                         "steps", "/dev/null", "\x00", ""])
EXECUTORS = st.sampled_from(["local", "dask://", "dask://x", "tcp://:1", "nowhere", "", "\x00"])


def option(command: str):
    values = NASTY | st.integers(-3, 3).map(str)
    run_like = command in ("run", "rerun")
    options = [st.tuples(st.just("--param"), (NASTY | st.just("alpha")).flatmap(
        lambda name: values.map(lambda v: f"{name}={v}")))]
    if run_like:
        options += [st.tuples(st.just("--max-parallel"), values),
                    st.tuples(st.just("--executor"), EXECUTORS),
                    st.tuples(st.just("--no-reuse"))]
    if command == "run":
        options += [st.tuples(st.just("--experiment"), values)]
    return st.one_of(options)


@st.composite
def command_lines(draw):
    command = draw(st.sampled_from(["run", "validate", "runs", "show", "rerun", "nope"]))
    argv = [command]
    if command in ("run", "validate"):
        argv.append(draw(FILES))
    if command in ("show", "rerun"):
        argv.append(draw(NASTY | st.just("seed_run")))
    for opt in draw(st.lists(option(command), max_size=3)):
        argv.extend(opt)
    if draw(st.booleans()):
        argv = ["--workspace", draw(st.sampled_from(["sub", "seed.pipeline.json", "\x00",
                                                     "missing/x", "."]))] + argv
    return argv


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(argv=command_lines(), content=JSON | st.just(SEED))
def test_the_command_line_never_shows_a_traceback(tmp_path_factory, argv, content):
    project = tmp_path_factory.mktemp("cli-fuzz")
    for folder in ("steps", "data"):
        shutil.copytree(REPO / folder, project / folder)
    seed = json.loads((REPO / "examples" / "seed.pipeline.json").read_text().replace("../", ""))
    (project / "seed.pipeline.json").write_text(json.dumps(seed))
    (project / "fuzzed.pipeline.json").write_text(json.dumps(content))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stderr(err):
        code = main(argv, out=out)
    printed = out.getvalue() + err.getvalue()
    assert code in (0, 1, 2, 130), (argv, code, printed)
    assert "Traceback" not in printed, (argv, printed)
    if code == 2:
        assert "error:" in err.getvalue() or "usage:" in err.getvalue(), (argv, printed)
    assert not (Path("/") / "pipeline_workspace").exists()
