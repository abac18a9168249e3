# CS Ops — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint check-migrations clean

# Reinstall when pyproject.toml changes; the stamp file keeps `make test` fast otherwise.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var/broker/queue var/broker/processed var/broker/control
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_beat_tasks
	@echo
	@echo "  CS Ops is starting on http://127.0.0.1:$(PORT)/  (web + Celery worker + beat; Ctrl-C stops all)"
	@echo
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) $(BIN)/honcho start

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) check-migrations

check-migrations: install
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/broker var/celerybeat-schedule* var/staticfiles
