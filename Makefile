# keepwarm: `make run` to use it, `make test` to check it.
# Both create .venv on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: run test bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml examples/plugins/keepwarm-sports-banter/pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	$(PIP) install --quiet --no-deps -e examples/plugins/keepwarm-sports-banter
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/keepwarm

# The example plugin package's own tests first, then the whole suite (whose summary ends the output).
test: $(VENV)/.installed-test
	cd examples/plugins/keepwarm-sports-banter && "$(CURDIR)/$(BIN)/python" -m pytest -q -p no:cacheprovider
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# BENCH_SIZES=1000 for a quick run; databases are cached in bench-results/db/, results saved as JSON there.
BENCH_SIZES ?= 1000,10000,50000
BENCH_REPEAT ?= 3
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) dist build .pytest_cache
