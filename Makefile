# zaiko-xl: the two set-up commands are `make demo` and `make test` (each creates .venv first).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench template clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "zaiko-xl needs Python 3.11 or newer: make PY=python3.11 ...")'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/zaiko-xl demo --out demo-output

test: $(STAMP)
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint

lint: $(STAMP)
	$(BIN)/ruff check zaiko_xl tests bench
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

template: $(STAMP)
	$(BIN)/zaiko-xl template build

clean:
	rm -rf $(VENV) demo-output bench/results .pytest_cache
