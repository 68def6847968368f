# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv and install the project once; later calls skip the install
# unless pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint clean

# pip shows each package as it goes: the first install takes a few minutes and should not look stuck.
$(STAMP): pyproject.toml
	@echo "Setting up .venv: installing Rehearse and its dependencies (first run only, a few minutes)..."
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	@echo "Installed. Next time this step is skipped unless pyproject.toml changes."
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rehearse run

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache rehearse.db rehearse.db-wal rehearse.db-shm
