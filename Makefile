# The README's two commands are `make run` and `make test`; both start with `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development runs with DEBUG on (a throwaway key, plain static files).
# Production sets DEBUG, SECRET_KEY and ALLOWED_HOSTS itself.
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: install run test lint format migrations-check messages clean outage mutants

install: $(VENV)/.installed node_modules/.package-lock.json
	@mkdir -p staticfiles

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-anonymity.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@# pyCANON for the re-identification tests, without its over-tight pins (see the file).
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-anonymity.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input --database=public
	$(DEV_ENV) $(BIN)/python manage.py bootstrap
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(DEV_ENV) $(BIN)/python manage.py rebuild_public --if-empty
	@# A worker beside the server runs background jobs (large imports, rebuilds; jobs/),
	@# and stops when the server does.
	$(DEV_ENV) $(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Two workers (pytest-xdist), each with its own databases and caches (conftest.py);
# a test file runs whole in one worker, so its module-scoped data is made once.
# The 25 slowest tests are listed at the end: what to make faster next.
TEST_WORKERS ?= 2
test: install lint migrations-check
	$(DEV_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=25 $(PYTEST_ARGS)

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check:
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Remove each protection of tests/mutants/mutants.toml in turn and run the tests that
# must catch it (docs/testing.md). MUTANTS="name ..." runs only those.
MUTANT_JOBS ?= 2
mutants:
	$(BIN)/python tests/mutants/run.py --jobs $(MUTANT_JOBS) $(MUTANTS)

# Regenerate the Korean and Japanese catalogues after changing interface text (needs GNU gettext).
MESSAGE_IGNORES := --ignore='node_modules/*' --ignore='.venv/*' --ignore='staticfiles/*' --ignore='*/tests/*' --ignore='tests/*' --ignore='bench/*'
messages:
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l ko -l ja $(MESSAGE_IGNORES)
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -l ko -l ja $(MESSAGE_IGNORES)

# Stop PostgreSQL under load and start it again (bench/outage.py; about a minute,
# needs Debian's postgresql server package). CI runs it after the PostgreSQL suite.
outage: install
	$(BIN)/python bench/outage.py

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 public.sqlite3 cache
