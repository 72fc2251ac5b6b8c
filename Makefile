# Two commands on a fresh machine: `make run` (the application on embedded defaults, with demo data)
# and `make test` (the whole suite). Both install what is missing into .venv/ from pinned versions.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint bench install check-system clean mutation

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus est nécessaire (trouvé " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

check-system: install
	@$(PY) scripts/check_system.py

run: install check-system
	@PORT=$(PORT) PY=$(PY) bash scripts/run-dev.sh

test: install check-system
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

bench: install
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) bench/run_all.py $(BENCH_ARGS)

# Mutation testing of the rule modules (mutmut, SQLite, no browser); not part of .ci/run (about 30 min on 2 cores).
# `make mutation MODULES="marches/compliance.py"` for one module; survivors in var/mutation/<module>.txt.
mutation: install
	$(PY) scripts/mutation.py $(MODULES) $(MUTATION_ARGS)

clean:
	rm -rf var/
