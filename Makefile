# Two commands for a newcomer: `make demo` and `make test`. Both honour DATABASE_URL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

WORKERS ?= auto

.PHONY: install demo serve test fuzz lint format check clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata demo
	$(BIN)/python manage.py create_demo_users
	@echo "Serving http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/admin/)"
	@echo "Log in as office or reviewer (reviewers) or shanghai, jiangsu, zhejiang, anhui (editors),"
	@echo "password: $${DEMO_PASSWORD:-demo}"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite in parallel (docs/testing.md): pytest-xdist, a worker per core, each with a
# database of its own; tests that share data built once stay on one worker (loadgroup).
test: install
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

# A long random exploration of every generated test (minutes to hours): what it finds is kept
# in .hypothesis/ and tried first by the next `make test`.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -n $(WORKERS) tests/test_fuzz.py tests/test_fuzz_admin.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Backups go to backups/tracker-<time>.json.gz; restore one with `make restore FILE=...`.
backup: install
	$(BIN)/python manage.py backup $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/tracker-....json.gz"; exit 2; }
	$(BIN)/python manage.py restore $(FILE)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
