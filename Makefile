# Quick start: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo review-demo test bench bench-quick lint reliability clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[analytics]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,analytics]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/music-minion demo

review-demo: $(STAMP_RUN)
	$(BIN)/music-minion demo --review

test: $(STAMP_DEV)
	$(BIN)/python -m pytest -n 2 -q

reliability: $(STAMP_DEV)
	MUSIC_MINION_RELIABILITY=long $(BIN)/python -m pytest -q -m slow tests

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP_DEV)
	$(BIN)/python -m benchmarks --quick

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
