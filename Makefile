# Two commands set everything up on a fresh machine (see README):
#   make demo   installs orgnet in .venv and writes the report of the bundled synthetic organisation
#   make test   installs orgnet with its test tools (and Chromium for the browser tests) and runs the tests
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
EXAMPLE := datasets/synthetic/example

.PHONY: demo test install install-test browser lint screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

demo: install
	$(BIN)/orgnet analyze $(EXAMPLE) --directory $(EXAMPLE)/directory.csv --out demo-report

test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

screenshots: demo install-test
	$(BIN)/orgnet screenshots demo-report --out docs/screenshots

clean:
	rm -rf $(VENV) demo-report .pytest_cache .ruff_cache
