# The commands of the README. Each one installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The JupyterLab extension, as JupyterLab finds it in the virtualenv.
LABEXT := $(VENV)/share/jupyter/labextensions/pipeline-widget

.PHONY: seed test lint lab bench install clean wheel-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The package build builds the JupyterLab extension from src/ with the machine's Node (jlpm,
# from jupyterlab); JupyterLab then loads it from the source tree, so `jlpm build` updates it.
$(STAMP): pyproject.toml package.json yarn.lock | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	if [ -L $(LABEXT) ]; then rm $(LABEXT); fi
	$(BIN)/pip install -q -e ".[test,examples,dask]"
	rm -rf $(LABEXT) && mkdir -p $(dir $(LABEXT)) && ln -s $(CURDIR)/pipeline_widget/labextension $(LABEXT)
	touch $(STAMP)

install: $(STAMP)

## run the seed example pipeline end to end (prepare data -> train model)
seed: $(STAMP)
	$(BIN)/pipeline-widget run examples/seed.pipeline.json

## the layers, style and types: import-linter contracts, ruff and mypy (pyproject.toml), and
## the extension's TypeScript and CSS (eslint, prettier, stylelint)
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check pipeline_widget tests benchmarks
	$(BIN)/mypy
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jlpm lint:check

## install Chromium (Debian) when missing, check the code, then run every test
test: lint
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_slurm.sh
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jlpm test
	$(BIN)/python -m pytest -q --durations=15

## open JupyterLab on the designer notebook
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/Designer.ipynb

## speed and memory benchmarks, as ratios against a plain papermill loop
bench: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m benchmarks

## the designer from an installed wheel: build it, install it in a fresh environment with
## JupyterLab and Notebook 7, and run the document's Chromium tests against that environment
wheel-check: $(STAMP)
	bash scripts/check_wheel.sh

clean:
	rm -rf $(VENV) pipeline_workspace .pipeline_widget
