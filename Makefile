# keepwarm: `make run` to use it, `make test` to check it.
# Each creates its own virtual environment on first use and reinstalls when
# pyproject.toml changes: `make run` uses .venv (keepwarm alone, as a user has
# it); `make test` and `make bench` use .venv-test (keepwarm with its test
# tools and the example plugin package), so the example plugin never shows up
# in the app a user runs, nor in its `rules init`. The test venv is installed
# with --no-compile: Python compiles what the tests import when they first
# import it, not every module of every dependency at install time.

PYTHON ?= python3

VENV      := .venv
BIN       := $(VENV)/bin
TEST_VENV := .venv-test
TEST_BIN  := $(TEST_VENV)/bin

.PHONY: run test bench install clean

# pip asks the index for its own newest version on every call: not needed to install or test.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(TEST_BIN)/python:
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_VENV)/.installed: pyproject.toml examples/plugins/keepwarm-sports-banter/pyproject.toml | $(TEST_BIN)/python
	$(TEST_BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	$(TEST_BIN)/python -m pip install --quiet --no-compile --no-deps -e examples/plugins/keepwarm-sports-banter
	@touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/keepwarm

# The example plugin package's own tests first, then the whole suite (whose summary ends the output).
test: $(TEST_VENV)/.installed
	cd examples/plugins/keepwarm-sports-banter && "$(CURDIR)/$(TEST_BIN)/python" -m pytest -q -p no:cacheprovider
	$(TEST_BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# BENCH_SIZES=1000 for a quick run, BENCH_SIZES=50000 for the large book (50,000 contacts, 5M interactions:
# some ten minutes to generate once, then every command's peak memory and the agenda); databases are cached in
# bench-results/db/, results saved as JSON in bench-results/.
BENCH_SIZES ?= 1000,10000
BENCH_REPEAT ?= 3
bench: $(TEST_VENV)/.installed
	$(TEST_BIN)/python -m benchmarks --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TEST_VENV) dist build .pytest_cache
