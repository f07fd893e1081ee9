# lockstep — `make demo` and `make test` set everything up on a fresh machine with Python 3.11 and pip.
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DEMO_DB ?= demo.duckdb

.PHONY: setup demo test eval eval-check bench sample clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(BIN)/lockstep ingest sample/seeds sample/*.csv.gz --db $(DEMO_DB)   # not sample/README.md
	$(BIN)/lockstep docs --db $(DEMO_DB) --limit 15
	$(BIN)/lockstep narratives tag --db $(DEMO_DB)
	$(BIN)/lockstep echoes --db $(DEMO_DB)
	$(BIN)/lockstep report --db $(DEMO_DB) --output demo-report.html
	@echo "open demo-report.html, or explore the corpus: $(BIN)/lockstep serve --db $(DEMO_DB)"

test: setup
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/python eval/run.py

eval-check: setup
	$(BIN)/python eval/run.py --check

bench: setup
	$(BIN)/python bench/run.py

sample:
	$(PY) scripts/build_sample.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal demo-report.html .pytest_cache
