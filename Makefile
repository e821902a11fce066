# Portail IAE — `make run` (demo server) and `make test` (whole suite); both call `make setup`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: setup run test test-e2e test-crawl-large lint format check-deploy bench bench-db bench-quick bench-batch-large bench-load clean

# Python ≥ 3.12: $PYTHON if given, else python3.13/python3.12 on the PATH or under pyenv.
PYTHON_BIN := $(shell \
  for c in "$$PYTHON" python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
    [ -n "$$c" ] || continue; \
    p=$$(command -v "$$c" 2>/dev/null) || continue; \
    "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; \
  done)

$(PY):
	@if [ -z "$(PYTHON_BIN)" ]; then echo "Python 3.12 ou plus est requis (ou PYTHON=/chemin/vers/python3.12)." >&2; exit 1; fi
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_aid_schemes

# The web server and a Celery worker together (a filesystem broker under var/broker/ when
# CELERY_BROKER_URL is unset): Ctrl-C stops both. Background jobs of a non-interactive shell
# ignore SIGINT, so the trap stops the worker (warm shutdown) when the server ends. The
# worker prints no banner, so that the demo logins stay on screen. It embeds Celery beat
# (`--beat`), which sweeps the batches whose worker died (aides.tasks.sweep_batches).
WORKER_ARGS ?= --loglevel=INFO --concurrency=2 --without-gossip --without-mingle

run: setup
	$(PY) manage.py seed_demo
	@echo "Serveur : http://$(HOST):$(PORT)/ — Ctrl-C arrête le serveur et le worker."
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/celery -A iae_portal --quiet worker --beat $(WORKER_ARGS) & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Browser journeys (tests/e2e) in Debian's headless Chromium, with axe-core from npm
# installed under var/e2e/ (git-ignored). Screenshots go to var/screenshots/.
AXE_JS := var/e2e/node_modules/axe-core/axe.min.js
$(AXE_JS):
	npm install --prefix var/e2e --no-audit --no-fund --silent axe-core@4

test-e2e: setup $(AXE_JS)
	$(VENV)/bin/pytest -m e2e -n 0 tests/e2e

# The crawler (tests/e2e/test_crawler.py) over a larger demo: 2,000 structures.
CRAWL_STRUCTURES ?= 2000
test-crawl-large: setup $(AXE_JS)
	IAE_CRAWL_STRUCTURES=$(CRAWL_STRUCTURES) $(VENV)/bin/pytest -m e2e -n 0 tests/e2e/test_crawler.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: $(STAMP)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	DJANGO_ALLOWED_HOSTS=portail-iae.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks run against PostgreSQL, in a database of their own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iae_portal_bench

bench-db:
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))

bench: setup bench-db
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) batch.py --dossiers 10000 --naive-sample 1000
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) letters.py --letters 200 --memory-letters 1000
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) api_sync.py --structures 100000
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) imports.py --lines 50000

# The batch at scale (issue 20, part 5; docs/performance.md): the lower bound and the batch
# run by a worker process at each size, its peak memory. Not in bench-quick (minutes).
BATCH_SCALE ?= 10000,100000
bench-batch-large: setup bench-db
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) batch.py --scale $(BATCH_SCALE)

bench-quick: setup bench-db
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) batch.py --dossiers 1000 --naive-sample 200
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) letters.py --letters 15 --memory-letters 60
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) api_sync.py --structures 10000
	cd bench && DATABASE_URL=$(BENCH_DATABASE_URL) ../$(PY) imports.py --lines 2000

# Load test: gunicorn in production mode on loopback, simulated users (docs/performance.md).
# Its own database (seeded once, ~2 minutes, then reused); LOAD_ARGS e.g. --steps 10,50 --duration 20 or --users 50.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iae_load
LOAD_ARGS ?=

bench-load: setup
	@$(MAKE) --no-print-directory bench-db BENCH_DATABASE_URL=$(LOAD_DATABASE_URL)
	cd bench && DATABASE_URL=$(LOAD_DATABASE_URL) ../$(PY) load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
