# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv and install the project once; later calls skip the install
# unless pyproject.toml changed. `make lint` checks the architecture, style and
# types; `make test-fast` skips the few slow end-to-end tests (CI runs them all).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench lint clean

# pip shows each package as it goes: the first install takes a few minutes and should not look stuck.
$(STAMP): pyproject.toml
	@echo "Setting up .venv: installing Rehearse and its dependencies (first run only, a few minutes)..."
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e '.[test,lint]'
	@echo "Installed. Next time this step is skipped unless pyproject.toml changes."
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rehearse run

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# The import contracts (pyproject's [tool.importlinter]), ruff, then mypy (strict on the pure packages).
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint,bench]'
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache rehearse.db rehearse.db-wal rehearse.db-shm
