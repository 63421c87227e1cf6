# Two commands set everything up on a fresh machine (see README.md):
#   make demo   – install, migrate, load the demo, serve http://127.0.0.1:8000 (SQLite)
#   make test   – install, lint, check migrations, run the whole test suite
# The test suite uses DATABASE_URL when it is set (CI runs it on PostgreSQL too).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint system-deps install install-dev serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium drives the browser tests (never `playwright install`).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

serve: install
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	env -u DATABASE_URL SECRET_KEY=lint-only DEBUG=0 $(BIN)/python manage.py makemigrations --check --dry-run

test: install-dev system-deps lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis screenshots
