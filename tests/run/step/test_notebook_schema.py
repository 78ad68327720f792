"""nbformat's notebook schema, compiled by fastjsonschema, is kept between processes: a
run's process loads it instead of compiling it again, and checks notebooks as before."""
from __future__ import annotations

import subprocess
import textwrap

from tests.conftest import PYTHON, write_notebook

CHECK = textwrap.dedent("""
    import sys
    import fastjsonschema, nbformat
    compiles = []
    for name in ("compile", "compile_to_code"):
        real = getattr(fastjsonschema, name)
        def counting(*args, _real=real, **kwargs):
            compiles.append(1)
            return _real(*args, **kwargs)
        setattr(fastjsonschema, name, counting)
    from pipeline_widget.run.step import notebook
    notebook.preload()
    nb = nbformat.read(sys.argv[1], as_version=4)
    bad = nbformat.from_dict({**nb, "cells": [{"cell_type": "code", "source": 1}]})
    try:
        nbformat.validate(bad)
        caught = False
    except nbformat.ValidationError:
        caught = True
    print(len(compiles), caught, len(nb.cells))
""")


def test_the_notebook_schema_is_compiled_once_and_kept(project, tmp_path):
    nb = write_notebook(project / "a.ipynb", "x = 1", "print(x)")
    env_cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}

    def check() -> list[str]:
        import os

        done = subprocess.run([PYTHON, "-c", CHECK, str(nb)], capture_output=True, text=True,
                              env={**os.environ, **env_cache}, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    first, second = check(), check()
    assert first[0] != "0" and first[1:] == ["True", "2"]   # compiled, and it checks
    assert second == ["0", "True", "2"]   # loaded, not compiled, and it still checks
    assert list((tmp_path / "cache" / "pipeline-widget" / "validators").glob("schema_*.py"))
