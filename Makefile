# SalesPerf: `make run` starts everything on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python >= 3.12: python3.13 / python3.12 on PATH first, then pyenv's versions.
define FIND_PYTHON
for candidate in "$$PYTHON" python3.14 python3.13 python3.12 python3; do \
  [ -n "$$candidate" ] || continue; \
  if command -v "$$candidate" >/dev/null 2>&1 && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$candidate"; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for dir in $$(ls -d "$$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do \
    if "$$dir/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
      echo "$$dir/bin/python"; exit 0; fi; \
  done; \
fi; \
exit 1
endef
export FIND_PYTHON

.PHONY: run test fuzz venv migrate demo lint format messages clean

$(VENV)/.installed: requirements.txt
	@base=$$(bash -c "$$FIND_PYTHON") || { echo "SalesPerf needs Python 3.12 or newer (set PYTHON=/path/to/python3.12)." >&2; exit 1; }; \
	  [ -x $(PY) ] || { echo "Creating $(VENV) with $$base"; "$$base" -m venv $(VENV); }
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(MANAGE) migrate --noinput

# The demo company is Chinese by default; `make run DEMO_LANGUAGE=en` loads the English one
# (into an empty database: `rm var/db.sqlite3` first if one was loaded already).
DEMO_LANGUAGE ?= zh-hans

demo: migrate
	$(MANAGE) load_demo --if-empty --language $(DEMO_LANGUAGE)

run: demo
	$(MANAGE) run_stack --host $(HOST) --port $(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv
	$(MANAGE) makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'var/*' --no-obsolete --no-location
	$(MANAGE) compilemessages --locale zh_Hans --ignore '.venv/*'

test: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=salesperf.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=salesperf.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-key-value DJANGO_ALLOWED_HOSTS=salesperf.example.com \
	  $(MANAGE) check --deploy --fail-level WARNING
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Longer API fuzzing than `make test`: every operation, as every role, 100 examples each.
fuzz: venv
	SALESPERF_CONTRACT_EXAMPLES=$${EXAMPLES:-100} SALESPERF_CONTRACT_ROLES=rep,manager,hr,admin \
	  $(VENV)/bin/pytest tests/core/test_api_contract.py -k every_operation -s -q

clean:
	rm -rf $(VENV) var staticfiles
