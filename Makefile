# CS Ops — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails, survey links and the iCal feed start with SITE_URL: by default the address served.
# Passed to every process, because honcho gives each its own PORT (the worker's is PORT+100).
RUN_SITE_URL = $(or $(SITE_URL),http://127.0.0.1:$(PORT))

.PHONY: install run test lint check-migrations bench clean backup restore

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
	SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py run_beat_tasks
	@echo
	@echo "  CS Ops is starting on http://127.0.0.1:$(PORT)/  (web + Celery worker + beat; Ctrl-C stops all)"
	@echo
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) SITE_URL=$(RUN_SITE_URL) $(BIN)/honcho start

test: install
	$(BIN)/pytest

# The key pages under load (wrk, 16 connections) beside a bare view, on PostgreSQL with the scale
# data (loaded once into BENCH_DATABASE_URL, default csops_bench on 127.0.0.1). Prints the table and
# writes bench-results/bench.json. The tool lives in tools/bench/ (not in the app); the server it
# starts has CSOPS_BENCH=1, which mounts the bare view /bench/bare/.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) check-migrations

check-migrations: install
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run

# Backups (README "Backups"): the database (pg_dump on PostgreSQL, the SQLite file otherwise) and the
# uploaded files into backups/<UTC time>/ (or BACKUP_DIR); `make restore BACKUP=that folder` puts
# them back into the database DATABASE_URL names (asks first; RESTORE_ARGS=--yes does not).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--to $(BACKUP_DIR))

restore: install
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<folder>"; exit 2)
	$(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

clean:
	rm -rf var/broker var/celerybeat-schedule* var/staticfiles
