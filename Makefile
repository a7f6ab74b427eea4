# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# Tests run against the real PostgreSQL and Redis (override in the environment).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/delegation_crm)
TEST_BROKER_URL ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/0)

.PHONY: run test lint format audit bench-data bench bench-reminders bench-resolver clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(PY) scripts/run_stack.py

test: $(VENV)/.dev-deps
	bash scripts/install-system-deps.sh
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) bash scripts/ensure-services.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint
	$(MAKE) --no-print-directory audit
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(PY) manage.py makemigrations --check --dry-run --settings=delegation_crm.settings_test
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(PY) -m pytest $(PYTEST_ARGS); \
	  status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint

# Supply chain: known vulnerabilities in the pinned dependencies (reports clearly, without
# failing, when no vulnerability service is reachable), and bandit's static security checks.
audit: $(VENV)/.dev-deps
	$(PY) scripts/audit_dependencies.py requirements.txt
	$(PY) -m bandit -q -r contacts events followups delegation_crm -ll

format: $(VENV)/.dev-deps
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench-data: $(VENV)/.run-deps
	$(PY) bench/generate.py $(BENCH_ARGS)

bench: $(VENV)/.run-deps
	$(PY) bench/run.py $(BENCH_ARGS)

bench-reminders: $(VENV)/.run-deps
	$(PY) bench/reminders.py $(BENCH_ARGS)

bench-resolver: $(VENV)/.run-deps
	$(PY) bench/resolver.py $(BENCH_ARGS)

clean:
	rm -rf var/postgres var/celery-broker var/celerybeat-schedule* var/sent-emails var/media
