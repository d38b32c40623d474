# Krangkeng Portal: the two commands of the README, and a few helpers.
#   make run    set up .venv, migrate, seed demo data, serve http://127.0.0.1:8000 with a job worker
#   make test   lint, migration check and the whole test suite
#   make topology  nginx + two app servers + worker + PostgreSQL + Redis (tests/topology)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= demo-krangkeng-110
DEV_ENV := DJANGO_DEBUG=true
# Both cores of a small machine (pytest-xdist); override with PYTEST_ARGS=...
# loadgroup keeps the tests that share one topology (tests/topology) on one worker.
PYTEST_ARGS ?= -n auto --dist loadgroup
# The topology's PostgreSQL: pytest-django creates test_<name> in it and drops it after.
TOPOLOGY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/krk_topology

.PHONY: install run test topology lint messages bench bench-scale clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-build.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required (set PYTHON=python3.x)") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --build-constraint requirements-build.txt -r requirements-dev.txt
	@touch $@

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo "Serving on http://127.0.0.1:8000/ with a job worker (Ctrl+C stops both)"
	@echo "runserver is for trying the portal. In production: gunicorn behind a reverse proxy that buffers"
	@echo "request bodies (nginx does: proxy_request_buffering on), with a --timeout that covers a slow"
	@echo "upload's processing (60 s); see README, Running in production."
	@$(DEV_ENV) $(BIN)/python manage.py recover_jobs; \
	$(DEV_ENV) $(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# ruff (with the complexity check) and mypy with django-stubs (pyproject.toml). mypy
# runs without its cache: the django-stubs plugin does not always see a change to
# settings from a cached run, and lint must give the same answer every time.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy --no-incremental

test: lint
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production topology on loopback (tests/topology, about 3 minutes): nginx with TLS, two
# gunicorn app servers, a job worker, PostgreSQL and a Redis of its own, and the browser
# journeys through them. Needs the Debian packages nginx, openssl, redis-server, chromium.
# `make test` runs the same tests when DATABASE_URL is PostgreSQL (skipped on SQLite).
topology: install
	DATABASE_URL="$(TOPOLOGY_DATABASE_URL)" $(BIN)/python -m pytest tests/topology -p no:randomly $(TOPOLOGY_ARGS)

# Refresh the translation catalogues after changing strings (needs GNU gettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py update_translations

# Load and data-size benchmarks (bench/README.md), e.g. make bench BENCH_ARGS=--quick
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/jobs.py $(if $(findstring --quick,$(BENCH_ARGS)),--quick)
	$(BIN)/python bench/topology.py $(if $(findstring --quick,$(BENCH_ARGS)),--quick)
	$(BIN)/python bench/scale_run.py $(if $(findstring --quick,$(BENCH_ARGS)),--patrols 20k --duration 2 --drop-after,$(SCALE_ARGS))

# Issue 14's scale sets alone (bench/README.md): the Polres by default (1M patrols, ~15 min);
# the whole country only when asked: make bench-scale SCALE_ARGS="--set national --patrols 1M,3M,10M"
SCALE_ARGS ?= --set polres
bench-scale: install
	$(BIN)/python bench/scale_run.py $(SCALE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
