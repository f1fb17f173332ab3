# FieldOps developer commands. `make run` and `make test` work on a fresh machine with
# Python 3.11+ and make: they create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
FUZZ_ARGS ?=
export FLASK_APP := wsgi

.PHONY: run test fuzz lint fmt bench lighthouse install install-dev install-biome clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Serve the app with demo data on SQLite at http://$(HOST):$(PORT), the scheduler beside it
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask fieldops demo --if-empty
	$(BIN)/flask fieldops demo --top-up
	$(BIN)/flask fieldops serve --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite; set FIELDOPS_TEST_DATABASE_URL for PostgreSQL)
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## Fuzz the API against its OpenAPI document (schemathesis, admin and engineer); docs/fuzzing.md
fuzz: install-dev
	$(BIN)/pytest -p no:cacheprovider -rf fuzz $(FUZZ_ARGS)

# Biome (npm, pinned in tools/biome) lints and formats the JavaScript: static/js and the
# service worker's template (biome.json).
BIOME_NPM := tools/biome
BIOME := $(BIOME_NPM)/node_modules/.bin/biome
JS := static/js templates/pwa/sw.js

$(BIOME_NPM)/node_modules/.installed: $(BIOME_NPM)/package.json $(BIOME_NPM)/package-lock.json
	npm ci --prefix $(BIOME_NPM) --no-audit --no-fund --loglevel=error
	touch $@

install-biome: $(BIOME_NPM)/node_modules/.installed

lint: install-dev install-biome
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIOME) ci --error-on-warnings $(JS)

fmt: install-dev install-biome
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIOME) check --write $(JS)

# BENCH_DATABASE_URL names the PostgreSQL database (default: the local server's
# fieldops_bench); BENCH_ARGS="--databases sqlite" measures one database only.
BENCH_ARGS ?=

## Benchmarks over HTTP with gunicorn, on SQLite then PostgreSQL; figures go to docs/benchmarks.md
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

LIGHTHOUSE_NPM := bench/lighthouse-npm

$(LIGHTHOUSE_NPM)/node_modules/.installed: $(LIGHTHOUSE_NPM)/package.json $(LIGHTHOUSE_NPM)/package-lock.json
	# `npm ci` refuses this lock file: a dependency asks for the peer "third-party-web@latest".
	npm install --prefix $(LIGHTHOUSE_NPM) --no-save --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

## Lighthouse (npm lighthouse@12, Debian's chromium) on the sign-in and Today pages; docs/lighthouse.md
lighthouse: install-dev $(LIGHTHOUSE_NPM)/node_modules/.installed /usr/bin/chromium
	$(BIN)/python -m bench.lighthouse

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(LIGHTHOUSE_NPM)/node_modules $(BIOME_NPM)/node_modules
