# Two commands: `make briefing` renders the sample briefing, `make test` runs the checks.
# Both create .venv when missing and install only when pyproject.toml changed (hash-keyed stamps).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell $(PYTHON) -c "import hashlib;print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:12])")
STAMP_RUN := $(VENV)/.installed-run-$(HASH)
STAMP_DEV := $(VENV)/.installed-dev-$(HASH)

SAMPLE_CLEAN := reports/.sample-cleaned
SAMPLE_INPUTS := $(wildcard data/sample/incidents_*.csv data/sample/incidents_*.csv.gz data/sample/cases_*.csv data/sample/cases_*.csv.gz)

.PHONY: briefing test lab lint sample clean-venv help

help:
	@echo "make briefing   set up .venv and render the sample briefing into reports/"
	@echo "make test       set up .venv (with dev tools), run ruff and the tests"
	@echo "make lab        open JupyterLab on notebooks/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	rm -f $(VENV)/.installed-run-*
	touch $@

$(STAMP_DEV): | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-run-*
	touch $@ $(STAMP_RUN)

briefing: $(STAMP_RUN)
	$(BIN)/briefing clean data/sample/incidents_*.csv* data/sample/cases_*.csv* --out $(SAMPLE_CLEAN) --as-of 2024-12-31
	$(BIN)/briefing render --data $(SAMPLE_CLEAN) --start 2023-01-21 --end 2023-02-05 --baseline lunar --as-of 2023-02-05 --out reports

test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check .

lab: $(STAMP_DEV)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

sample: $(STAMP_RUN)
	$(BIN)/python tools/make_sample.py --out data/sample

clean-venv:
	rm -rf $(VENV)
