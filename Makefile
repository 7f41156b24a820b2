# The two set-up commands of the README:
#   make start   install Wijkgraaf in .venv and run the demo on the embedded database
#   make test    install Wijkgraaf in .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install start test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

start: install
	$(BIN)/wijkgraaf demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/store.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/questions.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/cold.py
	$(BIN)/python bench/projection.py
	$(BIN)/python bench/history.py

lint: install
	$(BIN)/ruff check graph api importers visualise tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) tests/neo4j_server/target
