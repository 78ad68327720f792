#!/usr/bin/env bash
# The designer from an installed wheel, as a user gets it: build the wheel from this tree (the
# JupyterLab extension prebuilt into it), install it with JupyterLab and Notebook 7 into a
# fresh virtual environment, check that JupyterLab lists the extension, and run the document's
# Chromium tests against JupyterLab and kernels from that environment.
# Usage: bash scripts/check_wheel.sh   (after make install; takes a few minutes)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/.venv/bin/python" -m pip install -q build
PATH="$here/.venv/bin:$PATH" "$here/.venv/bin/python" -m build --wheel -o "$work/dist" "$here" >/dev/null
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/pipeline_widget-*.whl jupyterlab notebook
"$work/venv/bin/jupyter" labextension list 2>&1 | grep -E "pipeline-widget .*enabled.*OK"
cd "$here"
PIPELINE_WIDGET_LAB_PYTHON="$work/venv/bin/python" "$here/.venv/bin/python" -m pytest -q \
  -p no:cacheprovider \
  "tests/browser/test_document_browser.py::test_double_click_opens_a_pipeline_file_in_the_designer" \
  "tests/browser/test_document_browser.py::test_edit_save_close_and_reopen" \
  tests/browser/test_document_notebook7_browser.py
