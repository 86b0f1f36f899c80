# The one-command loop. `make run` and `make test` are the README's contract with a
# newcomer on a fresh machine: each sets everything up from scratch.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
# `make run STORE=neo4j`: the explorer on the local Neo4j server instead of the embedded store.
STORE ?= embedded
RUN_ENV = ATLAS_STORE=$(STORE) $(if $(filter neo4j,$(STORE)),NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(NEO4J_PORT)} NEO4J_USERNAME=$${NEO4J_USERNAME:-neo4j} NEO4J_PASSWORD=$${NEO4J_PASSWORD:-$(NEO4J_SERVER_PASSWORD)},)
TOOLS_CYPHER := tools/cypher-lint

.PHONY: setup run build test test-neo4j lint bench serve clean lock check-wheel neo4j-build neo4j-up neo4j-down neo4j-test-up neo4j-test-down

# Real Neo4j 5.26 servers (tools/neo4j-server/README.md), Bolt on 127.0.0.1, user neo4j:
# one for `make run STORE=neo4j` (data kept in $(NEO4J_HOME)) and a throwaway one for the
# tests (the tests delete every MLSys Atlas node in it). The password is for these
# loopback-only servers; set NEO4J_SERVER_PASSWORD to choose another.
NEO4J_PORT ?= 17687
NEO4J_HOME ?= .atlas/neo4j
NEO4J_TEST_PORT ?= 17688
NEO4J_TEST_HOME ?= .atlas/neo4j-test
export NEO4J_SERVER_PASSWORD ?= atlas-local-neo4j
NEO4J_RUN := NEO4J_SERVER_HOME=$(NEO4J_HOME) NEO4J_SERVER_PORT=$(NEO4J_PORT) tools/neo4j-server/run.sh
NEO4J_TEST_RUN := NEO4J_SERVER_HOME=$(NEO4J_TEST_HOME) NEO4J_SERVER_PORT=$(NEO4J_TEST_PORT) tools/neo4j-server/run.sh
# The test session finds its server through these (tests/contract/neo4j_live.py).
export NEO4J_TEST_URI ?= bolt://127.0.0.1:$(NEO4J_TEST_PORT)
export NEO4J_TEST_USERNAME ?= neo4j
export NEO4J_TEST_PASSWORD ?= $(NEO4J_SERVER_PASSWORD)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

build: setup ## (re)build the graph from the bundled snapshot
	$(VENV)/bin/mlsys-atlas build

# Listen on this machine only; `make run HOST=0.0.0.0` exposes the explorer to the network.
HOST ?= 127.0.0.1

run: setup $(if $(filter neo4j,$(STORE)),neo4j-up,) ## set up, build the graph if absent, precompute the slow analytics, start the explorer (STORE=neo4j: on the local Neo4j)
	$(RUN_ENV) $(VENV)/bin/mlsys-atlas build --if-missing
	$(RUN_ENV) $(VENV)/bin/mlsys-atlas warm
	@case "$(HOST)" in 127.0.0.1|localhost|::1) ;; *) \
		echo "WARNING: HOST=$(HOST) exposes the explorer to every machine that can reach this one." ; \
		echo "         There is no login; data-changing actions need ATLAS_ADMIN_TOKEN (see README)." ;; esac
	@echo "MLSys Atlas explorer: http://$(HOST):$(PORT)"
	@# ui/serve.py: opens the port and loads the build cache and search indexes into the server in the background
	$(RUN_ENV) $(PY) -m ui.serve --server.headless true --server.address $(HOST) --server.port $(PORT) \
		--browser.gatherUsageStats false

$(TOOLS_CYPHER)/node_modules/.installed: $(TOOLS_CYPHER)/package.json $(TOOLS_CYPHER)/package-lock.json
	cd $(TOOLS_CYPHER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tools: $(if $(wildcard $(TOOLS_CYPHER)/package.json),$(TOOLS_CYPHER)/node_modules/.installed,)

lint: setup
	$(VENV)/bin/ruff check .

# pytest-xdist workers (one per core of the 2-core machine); `make test TEST_WORKERS=0` runs in one process
TEST_WORKERS ?= 2

# The test Neo4j is stopped after the run when this run started it (a server already up is left as it was);
# `make test NEO4J_TEST_KEEP=1` leaves it up for the next run (its start is ~20 s of each run otherwise).
NEO4J_TEST_KEEP ?=

test: setup tools lint ## set up and run the whole test suite (starts the test Neo4j and stops it again)
	@if $(NEO4J_TEST_RUN) status >/dev/null 2>&1; then was_up=1; else was_up=; fi; \
	$(NEO4J_TEST_RUN) up || exit $$?; \
	$(PY) -m pytest -q --durations=15 -n $(TEST_WORKERS); rc=$$?; \
	if [ -z "$$was_up" ] && [ -z "$(NEO4J_TEST_KEEP)" ]; then $(NEO4J_TEST_RUN) down; fi; \
	exit $$rc

test-neo4j: setup tools neo4j-test-up ## only the Neo4j tests (NEO4J_TEST_URI etc. may point at another server)
	$(PY) -m pytest -q tests/contract tests/neo4j

neo4j-build: ## compile the Neo4j launcher and fetch Neo4j's jars into ~/.m2 (once)
	$(NEO4J_RUN) build

neo4j-up: ## start the explorer's Neo4j in the background and wait until Bolt answers (no-op when up)
	$(NEO4J_RUN) up

neo4j-down: ## stop the explorer's Neo4j cleanly
	$(NEO4J_RUN) down

neo4j-test-up: ## start the tests' throwaway Neo4j (no-op when up)
	$(NEO4J_TEST_RUN) up

neo4j-test-down: ## stop the tests' Neo4j
	$(NEO4J_TEST_RUN) down

# Benchmarks that train models or need a Neo4j server are run by hand (see BENCHMARKS.md).
BENCH_SKIP := benchmarks/bench_topics_textcat.py

bench: setup ## run every benchmark (numbers go into BENCHMARKS.md)
	@for b in $(filter-out $(BENCH_SKIP),$(wildcard benchmarks/bench_*.py)); do \
		echo "== $$b"; $(PY) $$b || exit 1; done

check-wheel: ## the built wheel in a fresh venv without dev extras: --version, --help, a small build
	PYTHON=$(PYTHON) bash scripts/check_wheel.sh

lock: ## re-resolve the newest versions pyproject.toml allows into constraints.txt (then run make test)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip && .lock-venv/bin/pip install --quiet -e '.[dev]'
	(echo "# The tested set of every package \`make setup\` installs (pip constraints). Refresh with \`make lock\`."; \
	 .lock-venv/bin/pip freeze --exclude-editable | grep -v '^mlsys-atlas') > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .atlas .pytest_cache .ruff_cache
