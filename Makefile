# Two commands do all set-up on a fresh machine:
#   make serve   build the graph (if its sources changed) and serve it (SPARQL endpoint, editor)
#   make test    lint and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SOURCES := $(shell find ontology shapes data -type f 2>/dev/null)

.PHONY: setup system-deps test-deps node-deps build serve test lint bench clean

$(BIN)/segraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: system-deps $(BIN)/segraph node-deps

# The query editor's browser libraries (YASGUI, Chart.js), pinned by package-lock.json and
# served by the app from node_modules/ (never copied into the repository).
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-deps: node_modules/.package-lock.json

# From Debian when missing (needs root, as in CI): Java runs the HermiT reasoner; npm installs
# the editor's libraries; chromium runs the editor's browser test (test-deps only).
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Java not found: installing default-jre-headless"; $(APT_INSTALL) default-jre-headless >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm not found: installing nodejs npm"; $(APT_INSTALL) nodejs npm >/dev/null; }

test-deps: setup
	@[ -x /usr/bin/chromium ] || { \
	  echo "chromium not found: installing it for the browser tests"; $(APT_INSTALL) chromium >/dev/null; }
	@[ -x /usr/bin/virtuoso-t ] || { \
	  echo "Virtuoso not found: installing it for the remote-store tests"; $(APT_INSTALL) virtuoso-opensource >/dev/null; }

var/build/build-info.json: $(SOURCES) | setup
	$(BIN)/segraph build

build: var/build/build-info.json

serve: build
	$(BIN)/segraph serve

lint: setup
	$(BIN)/ruff check .

test: test-deps lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/build_bench.py

clean:
	rm -rf var

# segraph's endpoint beside Oxigraph server, Virtuoso and rdflib on the shared harness's data
# (needs ../shared/bench; skipped without it). E.g. make bench-endpoint BENCH_ARGS="--scales 100k"
.PHONY: bench-endpoint
bench-endpoint: $(BIN)/segraph
	$(BIN)/python benchmarks/endpoint_bench.py $(BENCH_ARGS)
