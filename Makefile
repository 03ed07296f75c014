# TenantAtlas Drift — developer commands. `make demo` runs the main job; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INFRA_VENV := .venv-infra

.PHONY: setup demo run test lint layers typecheck unit infra-check clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' || (echo "Node.js 20+ is required" && exit 1)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(INFRA_VENV)/.installed: requirements-infra.txt
	test -x $(INFRA_VENV)/bin/python || $(PYTHON) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-infra.txt
	touch $@

setup: $(VENV)/.installed node_modules/.installed

demo: setup
	$(PY) -m devtools.demo $(DEMO_ARGS)

run: setup
	$(PY) -m devtools.runner $(RUN_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

layers: setup
	PYTHONPATH=. $(VENV)/bin/lint-imports

typecheck: setup
	$(PY) -m mypy

unit: setup
	$(PY) -m pytest -q tests/core

infra-check: $(INFRA_VENV)/.installed
	$(INFRA_VENV)/bin/python infra/check.py

test: setup lint layers typecheck infra-check
	$(PY) -m pytest -q tests

clean:
	rm -rf $(VENV) $(INFRA_VENV) node_modules .azurite .pytest_cache test-artifacts
