# The one-command loop. `make run` and `make test` are the README's contract with a
# newcomer on a fresh machine: each sets everything up from scratch.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
TOOLS_CYPHER := tools/cypher-lint

.PHONY: setup run build test test-neo4j lint bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

build: setup ## (re)build the graph from the bundled snapshot
	$(VENV)/bin/mlsys-atlas build

# Listen on this machine only; `make run HOST=0.0.0.0` exposes the explorer to the network.
HOST ?= 127.0.0.1

run: setup ## set up, build the graph if absent, precompute the slow analytics, start the explorer
	$(VENV)/bin/mlsys-atlas build --if-missing
	$(VENV)/bin/mlsys-atlas warm
	@case "$(HOST)" in 127.0.0.1|localhost|::1) ;; *) \
		echo "WARNING: HOST=$(HOST) exposes the explorer to every machine that can reach this one." ; \
		echo "         There is no login; data-changing actions need ATLAS_ADMIN_TOKEN (see README)." ;; esac
	@echo "MLSys Atlas explorer: http://$(HOST):$(PORT)"
	$(VENV)/bin/streamlit run app.py --server.headless true --server.address $(HOST) --server.port $(PORT) \
		--browser.gatherUsageStats false

$(TOOLS_CYPHER)/node_modules/.installed: $(TOOLS_CYPHER)/package.json $(TOOLS_CYPHER)/package-lock.json
	cd $(TOOLS_CYPHER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tools: $(if $(wildcard $(TOOLS_CYPHER)/package.json),$(TOOLS_CYPHER)/node_modules/.installed,)

lint: setup
	$(VENV)/bin/ruff check .

test: setup tools lint ## set up and run the whole test suite
	$(PY) -m pytest -q

test-neo4j: setup tools ## the store contract suite against a real Neo4j (set NEO4J_TEST_URI etc.)
	@test -n "$$NEO4J_TEST_URI" || (echo "set NEO4J_TEST_URI, NEO4J_TEST_USERNAME, NEO4J_TEST_PASSWORD" && exit 2)
	$(PY) -m pytest -q tests -k "contract or neo4j"

# Benchmarks that train models or need a Neo4j server are run by hand (see BENCHMARKS.md).
BENCH_SKIP := benchmarks/bench_topics_textcat.py

bench: setup ## run every benchmark (numbers go into BENCHMARKS.md)
	@for b in $(filter-out $(BENCH_SKIP),$(wildcard benchmarks/bench_*.py)); do \
		echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .atlas .pytest_cache .ruff_cache
