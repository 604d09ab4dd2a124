# Chengguan — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
SIZE   ?= district
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2

.PHONY: demo test test-pg fuzz lint format bench install install-test assets browser nginx clean replica-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets browser nginx

# Front-end libraries (Leaflet, HTMX, ECharts) come from the npm registry at setup and are served by
# the app itself: no CDN at run time.
assets: src/chengguan/static/vendor/.installed
src/chengguan/static/vendor/.installed: assets/package.json assets/package-lock.json assets/copy-vendor.sh
	cd assets && npm ci --no-audit --no-fund --silent
	sh assets/copy-vendor.sh
	touch $@

# Debian's Chromium for the browser tests (never a browser download).
browser:
	@sh scripts/ensure-browser.sh

# Debian's nginx, for the test that checks the shipped site with `nginx -t`.
nginx:
	@sh scripts/ensure-nginx.sh

demo: install
	$(BIN)/chengguan migrate --noinput -v0
	$(BIN)/chengguan demo --size $(SIZE) --if-empty
	PORT=$(PORT) $(BIN)/chengguan demo --logins
	DEBUG=$${DEBUG:-0} CHENGGUAN_PUBLIC_URL=$${CHENGGUAN_PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(BIN)/chengguan serve --bind 127.0.0.1:$(PORT)

test: install-test
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-pg: install-test
	DATABASE_URL=$(or $(DATABASE_URL),$(PG_URL)) $(BIN)/pytest $(PYTEST_ARGS)

# schemathesis against the OpenAPI schema (tests/api/test_schemathesis.py: every operation, as admin
# and as citizen, all checks, 12 examples each, derandomized), on SQLite and then on PostgreSQL. The
# module is also part of `make test` and `make test-pg`; this target runs it alone.
fuzz: install-test
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) -q tests/api/test_schemathesis.py
	DATABASE_URL=$(or $(DATABASE_URL),$(PG_URL)) $(BIN)/pytest $(PYTEST_ARGS) -q tests/api/test_schemathesis.py

# ruff, then the layer contracts of pyproject.toml ([tool.importlinter], docs/architecture.md).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# Every benchmark runs; the target fails at the end if any missed its goal.
bench: install $(VENV)/.installed-bench
	@sh scripts/ensure-wrk.sh
	@status=0; for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

# A real streaming replica on port 5433 of the local PostgreSQL, and the read routing checked against
# it (scripts/replica-check.sh; not part of CI).
replica-check: install
	bash scripts/replica-check.sh

clean:
	rm -rf $(VENV) var assets/node_modules src/chengguan/static/vendor
