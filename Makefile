# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test venv lint ci clean guide-screenshots

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## Run the product with demo data on SQLite at http://127.0.0.1:8000/
## (DEBUG=true: the demo key and the development server; without it the settings are production's)
run: export DEBUG ?= true
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

## Run the test suite (SQLite unless DATABASE_URL says otherwise) on every CPU (pytest-xdist), in a
## random order (pytest-randomly; the seed is printed): every layer, the smoke walk included, but the
## fuzzing and the benchmark, which CI runs (LAYERS=smoke runs the walk alone, LAYERS="" everything). PYTEST_ARGS
## come last and win: PYTEST_ARGS="-n 0" runs in one process, PYTEST_ARGS="-p no:randomly" in file order.
XDIST ?= -n auto --dist loadgroup
LAYERS ?= not fuzz and not benchmark
test: venv
	$(BIN)/python -m pytest $(XDIST) $(if $(LAYERS),-m "$(LAYERS)") $(PYTEST_ARGS)

## Copy the user guide's screenshots from the last browser run (tests/browser) into docs/screenshots/
guide-screenshots:
	@test -d test-artifacts/screenshots/guide || { echo "Run the browser journeys first: pytest tests/browser -m browser"; exit 1; }
	cp test-artifacts/screenshots/guide/*.png docs/screenshots/

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache
