# The commands a person runs. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON_BOOT ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed-$(shell sha1sum requirements-dev.lock | cut -c1-12)
NODE_STAMP := node_modules/.installed
PYTEST_ARGS ?=

.PHONY: run demo-code run-check test test-clock test-all quality lock bench-tenants bench-backoffice bench-public bench-sms bench-wake bench-stats bench-import bench-retention bench-connections bench-pooler bench-scale bench-transfers bench-api bench-audit-triggers faults-sms clean-var help

help:
	@echo "make run            start the platform with demo data (http://localhost:$${PORT:-8000}/)"
	@echo "make test           run the whole test suite (PostgreSQL, Redis, browser tests)"
	@echo "make demo-code      the second-factor code of the demo's admin, director, officer, national accounts"
	@echo "make run-check      start make run from an empty var/, check it serves and stops cleanly"
	@echo "make test-clock     the suite at a Friday 23:30 in Paris, then on a Saturday"
	@echo "make quality        ruff check and format, makemigrations --check, consistency tests"
	@echo "make bench-tenants  time the creation of a jurisdiction (migrations vs cloning)"
	@echo "make bench-backoffice  back-office pages under 20 users, 1M appointments (needs wrk)"
	@echo "make bench-public   public site under 20 users: cached service page, directory search (needs wrk)"
	@echo "make bench-sms      SMS throughput: 50 jurisdictions x 2,000 reminders due at once"
	@echo "make bench-wake     periodic work with 300 idle jurisdictions: worker + beat CPU, old fan-out vs wake-up"
	@echo "make bench-stats    national statistics: 200 jurisdictions x 1 year, refresh and dashboard (needs wrk)"
	@echo "make bench-import   imports: 20,000 people, 100,000 appointments, 300 agents vs django-import-export and COPY"
	@echo "make bench-scale    300 jurisdictions vs 10: next creation, migration pass, idle CPU, one SMS due (~25 min)"
	@echo "make bench-transfers  national person index: look-up at registration, transfer acceptance, imports (~5 min)"
	@echo "make bench-api      the REST API: agenda day list, changes feed (1 and 20 clients), booking (needs wrk)"
	@echo "make bench-audit-triggers  audit triggers per row against per statement: one-row and bulk writes"
	@echo "make bench-retention  the nightly retention job on 200,000 people (40,000 erased) while 5 agents book"
	@echo "make bench-connections  PostgreSQL connections of web, worker and beat with 300 jurisdictions"
	@echo "make bench-pooler   cost of the search_path per statement behind PgBouncer (needs pgbouncer)"
	@echo "make faults-sms     SMS exactly once through a killed worker, a 503 outage, a Redis restart"
	@echo "make lock           re-lock requirements.lock (runtime) and requirements-dev.lock"

$(STAMP): requirements-dev.lock
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-dev.lock
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

# axe-core for the browser tests' accessibility checks (package-lock.json).
$(NODE_STAMP): package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: $(STAMP)
	@$(PY) -m devtools.devstack run

test: $(STAMP) $(NODE_STAMP)
	@$(VENV)/bin/lint-imports --no-cache
	@$(PY) -m devtools.devstack test $(PYTEST_ARGS)

# `make run` as a newcomer starts it, from an empty var/ on free ports: served, one agent signed
# in, stopped with SIGINT, no process left (devtools/run_check.py).
# The current second-factor code of the demo's privileged accounts (demo/jurisdictions.py).
demo-code: $(STAMP)
	@$(PY) -m devtools.totp

run-check: $(STAMP)
	@$(PY) -m devtools.run_check

# The suite again at the instants that once broke it (tests/clock.py): a Friday 23:30 in Paris,
# when tomorrow is a Saturday and La Réunion is already past midnight, and a Saturday.
test-clock: $(STAMP) $(NODE_STAMP)
	@TEST_CLOCK="friday 23:30" $(PY) -m devtools.devstack test $(PYTEST_ARGS)
	@TEST_CLOCK="saturday 11:00" $(PY) -m devtools.devstack test $(PYTEST_ARGS)

quality: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m devtools.devstack exec -- $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -q -p no:cacheprovider tests/test_consistency.py

lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

bench-tenants: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/tenants.py

bench-backoffice: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/backoffice.py

bench-public: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/public.py

bench-sms: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/sms.py

bench-wake: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/wake.py

bench-stats: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/stats.py

bench-import: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/imports.py

bench-retention: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/retention.py

bench-connections: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/connections.py

bench-pooler: $(STAMP)
	@command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || apt-get install -y pgbouncer || (apt-get update && apt-get install -y pgbouncer)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/pooler.py

bench-scale: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/scale.py

bench-transfers: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/transfers.py

bench-audit-triggers: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/audit_triggers.py

bench-api: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/api.py

faults-sms: $(STAMP)
	@$(PY) -m devtools.devstack exec -- $(PY) bench/faults_sms.py

clean-var:
	rm -rf var/
