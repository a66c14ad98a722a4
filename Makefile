# nevrural — every target does its own set-up on a fresh machine (Python 3.11 + pip).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-from-lock
NODE_STAMP := node_modules/.stamp

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy

.PHONY: help setup run serve migrate test lint typecheck contracts pytest bench crash-test format clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# The pages' front-end libraries (ECharts, htmx) from the npm registry, as pinned by
# package-lock.json; served from node_modules, never committed.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

setup: $(STAMP) $(NODE_STAMP)  ## Create .venv from uv.lock and node_modules from package-lock.json

run: setup  ## The platform on SQLite with the demo campaign at http://127.0.0.1:8000
	$(BIN)/nevrural serve

serve: run  ## Same as run

migrate: setup  ## Create or upgrade the database schema
	$(BIN)/nevrural db migrate

lint: setup  ## ruff format --check and ruff check
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/ruff check src tests benchmarks tools

typecheck: setup  ## mypy --strict on src
	$(BIN)/mypy

contracts: setup  ## import-linter: core stays pure, layers point inward
	$(BIN)/lint-imports

pytest: setup  ## The test suite (PostgreSQL too when NEVRURAL_TEST_POSTGRES_URL is set)
	$(BIN)/pytest --cov --cov-report=term --doctest-modules --ignore=src/nevrural/adapters/db/migrations src tests

test: lint typecheck contracts pytest  ## Everything CI checks

bench: setup  ## Benchmarks (outside the test run), against their peers in the same run
	$(UV) sync --frozen --group bench --python $(PYTHON)
	@failed=""; for script in benchmarks/bench_*.py; do echo "== $$script"; \
		$(BIN)/python "$$script" || failed="$$failed $$script"; done; \
		if [ -n "$$failed" ]; then echo "targets missed:$$failed"; exit 1; fi

crash-test: setup  ## Kill -9 the API under orders, retry, reconcile (NEVRURAL_TEST_POSTGRES_URL)
	$(BIN)/python tools/crash_test.py

format: setup  ## Format and autofix
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

clean:  ## Remove the virtual environment, tools and local data
	rm -rf $(VENV) $(TOOLS) node_modules var .pytest_cache .mypy_cache .ruff_cache .coverage
