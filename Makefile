# RiskReg: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test smoke lint bench assets messages install migrate clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

static/vendor/.built: node_modules/.package-lock.json scripts/copy-vendor.mjs
	npm run --silent build
	touch $@

assets: static/vendor/.built

# The French catalog: riskreg/locale/*/LC_MESSAGES/django.po is committed, the .mo is built from it.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard riskreg/locale/*/LC_MESSAGES/django.po))
%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

migrate: install
	$(PY) manage.py migrate --no-input

# HOST=0.0.0.0 PORT=8101 make run: serve elsewhere; the demo's links and PDFs follow (scripts/dev-address.sh).
run: install assets messages migrate
	@bash scripts/run-dev.sh

test: install assets messages
	$(PY) -m pytest

# The production stack (gunicorn as the Dockerfile runs it, a worker, one beat) signs one request
# over HTTP. Needs PostgreSQL and Redis: DATABASE_URL=postgres://... REDIS_URL=redis://... make smoke
smoke: install assets messages
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make smoke needs DATABASE_URL=postgres://..." >&2; exit 2;; esac
	@test -n "$$REDIS_URL" || { echo "make smoke needs REDIS_URL=redis://..." >&2; exit 2; }
	$(PY) -m pytest -m smoke tests/integration

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# Builds the SIZE-client dataset (2,000 by default; SIZE=10000 for the large one) once, cached under
# .bench/, measures, writes .bench/results.json. CHECK=1 fails when a target is missed;
# DATABASE_URL=postgres://... measures on PostgreSQL.
SIZE ?= 2000
bench: install
	$(PY) manage.py bench --clients $(SIZE) $(if $(filter-out 0,$(CHECK)),--check)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache
