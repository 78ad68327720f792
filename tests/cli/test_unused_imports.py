"""What the command line tells the packages it loads is absent: storage back-ends and
schema format checkers that no run of local notebooks uses."""
from __future__ import annotations

import json
import subprocess
import textwrap

from tests.conftest import PYTHON

CHECK = textwrap.dedent("""
    import json, sys
    from pipeline_widget.cli.unused_imports import skip

    skip()
    import jsonschema

    checker = jsonschema.FormatChecker()
    seen = {"loaded_with_jsonschema": sorted({"idna", "jsonpointer"} & set(sys.modules)),
            "idn_checked": "idn-hostname" in checker.checkers,
            "pointer_checked": "json-pointer" in checker.checkers,
            "email_checked": checker.conforms("a@b.c", "email")}
    import idna, jsonpointer   # what else needs them still gets them (remote datastores)
    seen["idna"] = idna.encode("b\u00fccher.example").decode()
    seen["jsonpointer"] = jsonpointer.resolve_pointer({"a": [1, 2]}, "/a/1")
    print(json.dumps(seen))
""")


def test_jsonschema_loads_without_its_idna_and_jsonpointer_checkers_and_others_still_get_them():
    done = subprocess.run([PYTHON, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "loaded_with_jsonschema": [], "idn_checked": False, "pointer_checked": False,
        "email_checked": True, "idna": "xn--bcher-kva.example", "jsonpointer": 2}
