# Two commands on a fresh machine: `make run` and `make test` (README "Quick start").
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := bot conversations storage state_machine

.PHONY: run test lint typecheck contracts pytest bench clean check-python

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11, python3.12 ...)."; exit 2; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

## run: install, upgrade the database and start the bot with the settings in .env
run: $(VENV)/.installed-run
	@$(BIN)/oocps run

## test: install the dev tools, then lint, type-check, check import layers and run every test
test: lint typecheck contracts pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(PACKAGES) tests benchmarks
	$(BIN)/ruff format --check $(PACKAGES) tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

## bench: the long-running measurements (not part of `make test`); PostgreSQL too when
## OOCPS_TEST_POSTGRES_URL is set. benchmarks.scale makes 1,000,000 referrals once (kept
## under the temporary folder, and in the schema oocps_bench1m) and times the nudge sweep,
## /summary and the return over them (docs/performance.md).
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.scale
	@if [ -n "$$OOCPS_TEST_POSTGRES_URL" ]; then \
		$(BIN)/python -m benchmarks --postgres "$$OOCPS_TEST_POSTGRES_URL"; \
		$(BIN)/python -m benchmarks.scale --postgres "$$OOCPS_TEST_POSTGRES_URL"; fi
	$(BIN)/python -m benchmarks.simulation
	@if [ -n "$$OOCPS_TEST_POSTGRES_URL" ]; then \
		$(BIN)/python -m benchmarks.simulation --postgres "$$OOCPS_TEST_POSTGRES_URL"; fi

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
