# metsinfo – `make run` serves the site, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run serve test bench audit backup restore setup deps dev-deps chromium nginx wrk services lint test-sqlite test-postgres clean

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT
# The second test pass runs on the local PostgreSQL server and Redis, as production would.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/metsinfo
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
DEV_SETTINGS := DJANGO_SETTINGS_MODULE=metsinfo.settings.dev

help:
	@echo "make run    set up (venv, requirements, database, content, static) and serve http://127.0.0.1:$(PORT)"
	@echo "make serve  the same, as production runs on one machine: nginx caching on $(PORT) in front of gunicorn"
	@echo "make test   set up and run lint, checks and the whole test suite on SQLite and PostgreSQL"
	@echo "make bench  load-test the site with wrk, through nginx and gunicorn alone (SQLite+file cache, PostgreSQL+Redis)"
	@echo "make audit  Lighthouse (mobile) scores of the main pages, production settings"
	@echo "make backup                 write an encrypted, consistent copy of the database to var/backups/ (keeps the newest BACKUP_KEEP)"
	@echo "make restore BACKUP=<file>  put a backup back (asks first)"

# Django 6 needs Python 3.12+. Try $$PYTHON, python3.13/3.12 on PATH, pyenv (.python-version asks
# for 3.13), pyenv's install folder, then python3.
$(VENV)/.created:
	@py=""; \
	for c in "$${PYTHON:-}" python3.13 python3.12 \
	         "$$(command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null)" \
	         $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) python3; do \
	  [ -n "$$c" ] || continue; \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "ERROR: metsinfo needs Python 3.12 or newer (Django 6) and none was found." >&2; \
	  echo "Install one, e.g. 'pyenv install 3.13' or your system's python3.13 package," >&2; \
	  echo "or point to it: make run PYTHON=/path/to/python3.13" >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" -V 2>&1))"; \
	"$$py" -m venv $(VENV)
	@touch $@

$(VENV)/.runtime-installed: requirements.txt $(VENV)/.created
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt $(VENV)/.created
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(VENV)/.runtime-installed $@

deps: $(VENV)/.runtime-installed
dev-deps: $(VENV)/.dev-installed

# Database, content and static files: what both `run` and `test` need.
setup: deps
	$(DEV_SETTINGS) $(PY) manage.py migrate --noinput
	$(DEV_SETTINGS) $(PY) manage.py load_content
	$(DEV_SETTINGS) $(PY) manage.py collectstatic --noinput --verbosity 0

run: setup
	$(DEV_SETTINGS) $(VENV)/bin/gunicorn -c gunicorn.conf.py

# nginx (deploy/nginx/metsinfo.conf) on PORT caching reader pages in front of gunicorn on PORT+1,
# production settings over plain HTTP, the secret key kept in var/secret_key. See README.
serve: setup nginx
	$(PY) deploy/serve.py

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work here.
# axe-core for the accessibility tests, pinned in package-lock.json (Node's npm, from the registry).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "ERROR: npm (Node.js) is needed for the accessibility tests (axe-core)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	echo "Installing Debian's chromium package for the browser tests"; \
	SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	[ -x /usr/bin/chromium ] || { echo "ERROR: could not install /usr/bin/chromium" >&2; exit 1; }

# The reverse proxy for `make serve` and tests/test_proxy.py, from Debian's packages. Ours runs as
# this user with its files under var/ (or a test's folder): /etc/nginx is never edited, and
# Debian's nginx service (which apt starts on port 80 where services may start) is not used.
nginx:
	@if [ -x /usr/sbin/nginx ]; then exit 0; fi; \
	echo "Installing Debian's nginx package for make serve and the proxy tests"; \
	SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null; \
	[ -x /usr/sbin/nginx ] || { echo "ERROR: could not install /usr/sbin/nginx" >&2; exit 1; }

# The HTTP load tool for `make bench`, from Debian's packages.
wrk:
	@if command -v wrk >/dev/null; then exit 0; fi; \
	echo "Installing Debian's wrk package for the benchmark"; \
	SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	command -v wrk >/dev/null || { echo "ERROR: could not install wrk" >&2; exit 1; }

# wrk at 32 connections: through nginx (shipped configuration) against the same bytes as a static
# file from that nginx, and gunicorn alone against WhiteNoise's static CSS. See README.
bench: deps wrk nginx services
	$(PY) .ci/bench.py

# Lighthouse comes from the npm registry, pinned in .ci/audit/package-lock.json; only `make audit` needs it.
.ci/audit/node_modules/.installed: .ci/audit/package.json .ci/audit/package-lock.json
	cd .ci/audit && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

audit: deps chromium .ci/audit/node_modules/.installed
	$(PY) .ci/audit.py

# The database named by DATABASE_URL (default: the SQLite file), with the settings in the environment.
backup: deps
	$(PY) manage.py backup_db

restore: deps
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<file>" >&2; exit 1; }
	$(PY) manage.py restore_db "$(BACKUP)"

# PostgreSQL and Redis for the second test pass: start them if they are installed but stopped.
services:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start || true; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi; \
	pg_isready -q -h 127.0.0.1 -p 5432 || { echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432; the PostgreSQL test pass cannot run." >&2; exit 1; }
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'metsinfo'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres metsinfo
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  echo "Starting Redis"; \
	  mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true; \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
	fi; \
	redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "ERROR: Redis is not reachable on 127.0.0.1:6379; the PostgreSQL+Redis test pass cannot run." >&2; exit 1; }

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(DEV_SETTINGS) $(PY) manage.py check

test-sqlite: dev-deps chromium nginx node_modules/.installed
	@echo "=== Test suite on SQLite with the file cache ==="
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest

test-postgres: dev-deps chromium nginx node_modules/.installed services
	@echo "=== Test suite on PostgreSQL ($(TEST_DATABASE_URL)) with Redis ($(TEST_REDIS_URL)) ==="
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest

test: dev-deps setup lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) node_modules staticfiles var db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache
