# govflow developer tasks (GNU make).
#   make run    install, migrate, seed the demo centre, serve on http://127.0.0.1:8000
#   make test   install, ruff, pytest (SQLite by default; DATABASE_URL / REDIS_URL switch to the real services)
#   make bench  engine, inbox, task completion and joint review benchmarks
#   make bench-scale  issue 7's table: the services against the engine alone, on PostgreSQL (DATABASE_URL)

VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTHON ?= $(or $(shell command -v python3.11 2>/dev/null),python3)
ADDR   ?= 127.0.0.1:8000

# Stamps: reinstall only when the dependency declarations change.
PY_STAMP   := $(VENV)/.govflow-installed
NODE_STAMP := node_modules/.govflow-installed
# The modeler page's bundle (bpmn-js + properties panel + bpmnlint + dmn-js), built by esbuild (package.json's
# build:modeler script, which the Dockerfile runs too), not committed.
MODELER_JS := webapp/static/js/modeler/modeler.js

.PHONY: install run test lint bench bench-scale clean

install: $(PY_STAMP) $(NODE_STAMP) $(MODELER_JS)

$(PY_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

# --ignore-scripts: only the ready-made dist/ bundles are used; no package needs its install scripts.
$(NODE_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# esbuild's binary comes in its platform package (@esbuild/linux-x64), so it runs without install scripts.
$(MODELER_JS): $(NODE_STAMP) $(wildcard webapp/frontend/*)
	npm run --silent build:modeler

# DEBUG off: a person never meets Django's debug pages (errors show webapp/templates/404.html etc.);
# WhiteNoise serves the collected static files then.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_DEBUG=0 $(PY) manage.py serve $(ADDR)

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .

test: install lint
	$(VENV)/bin/pytest

bench: $(PY_STAMP)
	$(PY) bench/bench_engine.py
	$(PY) bench/bench_inbox.py
	$(PY) bench/bench_task_completion.py
	$(PY) bench/bench_joint_application.py

# BENCH_FLAGS=--full for the issue's 100k open + 1M closed inbox tasks; --tiny for a smoke run (SQLite allowed).
bench-scale: $(PY_STAMP)
	$(PY) -m bench.scale $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
