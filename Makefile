# Two commands on a fresh machine with Python 3.11+:  make run   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/net_zero_2050.yaml
STAMP := $(VENV)/.installed

.PHONY: run test bench schema reference clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)  ## run the default scenario on the demo park; prints where the report is
	$(BIN)/parktwin run $(SCENARIO)

test: $(STAMP)  ## the whole test suite (browser tests skip, with a reason, where Chromium is missing)
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## speed benchmarks (not part of the tests)
	$(BIN)/python benchmarks/bench_run.py

schema: $(STAMP)  ## JSON Schemas of the input files for editors; docs/outputs.md from the output schema
	$(BIN)/parktwin schema docs/schema
	$(BIN)/python -m parktwin.results.schema docs/outputs.md

reference: $(STAMP)  ## refresh tests/reference/headline.csv and the figures docs/ quote (say why in the commit)
	$(BIN)/python benchmarks/refresh_reference.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
