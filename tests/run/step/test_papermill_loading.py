"""papermill imported for a run: without loading `requests` or `click` (its HTTP back-end
and its help load them at first use) or reading the installed entry points again (its plug-ins come from the one
reading of the process), and working as papermill does."""
from __future__ import annotations

import subprocess
import textwrap

from tests.conftest import PYTHON

CHECK = textwrap.dedent("""
    import json, sys
    from importlib.metadata import EntryPoint
    from pipeline_widget.core import plugins

    fake = EntryPoint(name="fake-engine", value="json:JSONDecoder", group="papermill.engine")
    plugins.entry_points_of = lambda group: (fake,) if group == "papermill.engine" else ()
    from pipeline_widget.run.step.papermill_loading import import_papermill

    papermill = import_papermill()
    from papermill.engines import papermill_engines
    from papermill import inspection, iorw

    seen = {"requests_loaded": "requests" in sys.modules,
            "click_loaded": "click" in sys.modules,
            "entrypoints_loaded": "entrypoints" in sys.modules,
            "plugin": papermill_engines.get_engine("fake-engine") is json.JSONDecoder,
            "same": import_papermill() is papermill}
    seen["http_ok"] = iorw.requests.codes.ok            # the back-end's module, at first use
    import requests
    seen["real_requests"] = type(sys.modules["requests"]).__name__ == "module" and \\
        requests.codes.ok == 200
    seen["click_ok"] = inspection.click.echo.__module__        # the help's, at first use
    print(json.dumps(seen))
""")


def test_papermill_loads_without_requests_or_click_and_takes_plugins_from_one_reading():
    done = subprocess.run([PYTHON, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import json

    seen = json.loads(done.stdout)
    assert seen == {"requests_loaded": False, "click_loaded": False,
                    "entrypoints_loaded": False, "plugin": True, "same": True, "http_ok": 200,
                    "real_requests": True, "click_ok": "click.utils"}
