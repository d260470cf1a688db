# Two commands do all set-up on a fresh machine:
#   make serve   build the graph (if its sources changed) and serve it (SPARQL endpoint, editor)
#   make test    lint and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SOURCES := $(shell find ontology shapes data -type f 2>/dev/null)

.PHONY: setup system-deps build serve test lint bench clean

$(BIN)/segraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/segraph system-deps

# Java runs the HermiT reasoner; installed from Debian when missing (needs root, as in CI).
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Java not found: installing default-jre-headless"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

var/build/build-info.json: $(SOURCES) | setup
	$(BIN)/segraph build

build: var/build/build-info.json

serve: build
	$(BIN)/segraph serve

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/build_bench.py

clean:
	rm -rf var
