# Two commands (README): `make demo` checks the bundled corpus; `make test` runs the tests.
# Both create .venv/ and install indlint into it (a regular, non-editable install, so the
# tests exercise the package as users get it: grammar/ and rules/ from inside the wheel).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test bench docs bundle clean

install:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test,serve]'

demo: install
	$(BIN)/indlint check corpus/ --exit-zero --statistics
	$(BIN)/indlint report corpus/ -o corpus-report.html

test: install
	$(BIN)/python -m pytest -q

bench: install
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test,bench]'
	$(BIN)/python bench/run.py

docs: install
	$(BIN)/python -m indlint.output.docs > docs/rules.md

# After editing rules/ or grammar/: the parsed copy shipped in the package (core/bundle.py).
bundle: install
	PYTHONPATH=src $(BIN)/python -m indlint.judge.bundled > src/indlint/core/bundle.json

clean:
	rm -rf $(VENV) build dist .pytest_cache .indlint_cache
