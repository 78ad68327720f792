"""Joins of outside names to a root never leave it."""
import os

import pytest

from pipeline_widget import PipelineError
from pipeline_widget.core.containment import inside


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "a/b/../../../x", "", ".",
                                  "link/x"])
def test_names_that_leave_the_root_are_refused_by_name(tmp_path, name):
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(tmp_path, root / "link")  # a symlink inside that points outside
    with pytest.raises(PipelineError, match="leads outside"):
        inside(root, name, f"key {name!r}")


@pytest.mark.parametrize("name", ["x", "a/b/c.txt", "a/../b", "..x", "a..b/c"])
def test_names_inside_the_root_are_joined(tmp_path, name):
    got = inside(tmp_path, name, "key")
    assert got == (tmp_path / os.path.normpath(name)).resolve()
