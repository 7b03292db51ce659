# Two commands for a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export RULEBOOK_DATA_DIR ?= $(CURDIR)/var
DATA := $(RULEBOOK_DATA_DIR)
FIXTURES := $(shell find fixtures -name '*.yaml')
STATIC := $(shell find static -type f)
MANAGE := $(BIN)/python manage.py
GUNICORN := $(BIN)/gunicorn --config config/gunicorn.py config.wsgi

.PHONY: run test lint format install install-test migrate load export serve clean

run: install migrate $(DATA)/.corpus-loaded $(DATA)/.static-collected
	@$(MANAGE) ensure_admin
	@echo "Serving Rulebook on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	PORT=$(PORT) $(GUNICORN)

# Production: every setting from the environment (README, "Deploying"); migrate and rebuild_index are run
# once per release, not by each server.
serve: install
	@$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) check --deploy --fail-level WARNING
	$(GUNICORN)

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies or their pins change.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint constraints.txt .
	@touch $@

install-test: $(VENV)/.installed-test node_modules/.installed
$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint constraints.txt ".[test]"
	@touch $@ $(VENV)/.installed

# The browser tests' checkers (the Nu HTML Checker, axe-core), exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: install
	@mkdir -p $(DATA)
	@$(MANAGE) migrate --no-input -v 0

# Reload (and reindex) only when a corpus file or the index layout changed; the loader is idempotent.
$(DATA)/.corpus-loaded: $(FIXTURES) $(wildcard search/backends/whoosh/*.py) search/fields.py search/records.py | install migrate
	$(MANAGE) load_regulations
	@if $(MANAGE) help rebuild_index >/dev/null 2>&1; then $(MANAGE) rebuild_index; fi
	@touch $@

$(DATA)/.static-collected: $(STATIC) | install
	@$(MANAGE) collectstatic --no-input -v 0
	@touch $@

load: install migrate
	$(MANAGE) load_regulations

export: install
	$(MANAGE) export_regulations

clean:
	rm -rf $(VENV) build node_modules *.egg-info
