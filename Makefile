# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEV := DJANGO_DEBUG=1
PG_URL ?= postgres://root@127.0.0.1:5432/root
PYTEST_ARGS ?=
# The suite runs in parallel, one pytest-xdist worker per core (docs/testing.md);
# PYTEST_WORKERS=0 runs it in one process (e.g. to read a failure in order).
PYTEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS)

.PHONY: run test test-sqlite test-pg test-e2e lint format venv assets system-deps messages clean bench bench-season

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Local copies of Bootstrap/Chart.js/axe-core (pinned in package.json) for offline
# offices and the browser tests.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

# Chromium for browser tests, fonts with every Vietnamese letter for PDFs, poppler for
# checking them (pdfsig for signatures), LibreOffice (no GUI) to lay out the DOCX and XLSX
# as a recipient's office suite does; redis-server, which the cache tests start privately
# (tests/redis_server.py). Installed with apt-get when missing (needs root, as on CI).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	fc-list 2>/dev/null | grep -q LiberationSerif-Regular.ttf || missing="$$missing fonts-liberation2"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: venv assets
	$(DEV) $(PY) manage.py migrate --verbosity 0
	$(DEV) $(PY) manage.py load_demo
	@echo "Mở http://127.0.0.1:8000 — Open http://127.0.0.1:8000"
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# The full suite (unit, integration and browser tests) on the embedded SQLite database:
# the unit and integration tests on every core (each xdist worker has its own test
# database and its own demo), then the browser tests in one process (one live server,
# one Chromium; in parallel they were not reliable on a loaded 2-core machine). Exit
# status 5 is pytest's "no test selected" (PYTEST_ARGS naming only one kind of test).
test: venv assets system-deps
	DAMHA_ASSETS=local DATABASE_URL= $(PYTEST) -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	DAMHA_ASSETS=local DATABASE_URL= $(PY) -m pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The same suite on a real PostgreSQL server. The browser tests drive the pages, which are
# the same on either database, so CI runs them once (in `make test`); PG_E2E=1 runs them
# here too.
PG_E2E ?=
test-pg: venv assets system-deps
	DAMHA_ASSETS=local DATABASE_URL=$(PG_URL) $(PYTEST) -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(if $(PG_E2E),DAMHA_ASSETS=local DATABASE_URL=$(PG_URL) $(PY) -m pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ])

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(DEV) $(PY) manage.py check

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Translation catalogues (docs/translation.md): collect the strings into locale/vi and
# locale/en, make every Vietnamese message its own translation, compile both (.mo files
# are committed), then count what English still lacks. Repeatable: run it after adding
# or changing any string.
I18N_IGNORE := --ignore .venv --ignore node_modules --ignore staticfiles --ignore artifacts --ignore tests --ignore bench

messages: venv
	$(DEV) $(PY) manage.py makemessages --locale vi --locale en --no-obsolete --add-location file $(I18N_IGNORE)
	$(PY) scripts/fill_vi_catalogue.py locale/vi/LC_MESSAGES/django.po
	$(DEV) $(PY) manage.py compilemessages --locale vi --locale en $(I18N_IGNORE)
	@printf 'English: '; msgfmt --statistics -o /dev/null locale/en/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache db.sqlite3

# Benchmarks at national scale on PostgreSQL (docs/performance.md). Creates the database
# and generates the data set (~8 min) on the first run, then prints figures and ratios.
BENCH_DB ?= bench_national
BENCH_URL ?= postgres://root@127.0.0.1:5432/$(BENCH_DB)
BENCH_ARGS ?=
bench: venv
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installing wrk (throughput)" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk not installed: throughput is skipped (apt-get install wrk)"
	@psql "$(BENCH_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U root $(BENCH_DB)
	DATABASE_URL=$(BENCH_URL) $(PY) bench/run.py $(BENCH_ARGS)

# The entry-season benchmark (bench/season.py, docs/performance.md): dashboards read while
# communes save and submit, on a copy of $(BENCH_DB) (made by `make bench`), gunicorn and
# a private redis-server (apt-get install redis-server); a few minutes, then the copy is dropped.
BENCH_SEASON_ARGS ?=
bench-season: venv
	$(PY) bench/season.py --source $(BENCH_DB) $(BENCH_SEASON_ARGS)
