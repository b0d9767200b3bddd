# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: run test test-fast bench eval install clean lock report

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,dbt]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/gazette run data/sample --db warehouse/gazette.duckdb

# Builds the dbt marts from the warehouse (every dbt test must pass) and writes the charts page.
report: $(STAMP)
	$(BIN)/gazette report --build --db warehouse/gazette.duckdb --html warehouse/report.html

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not slow'

# Extraction scores: the bundled sample and the shared dev corpus (evaluation-only, read in place), side by
# side, the corpus also as its two fixed halves; EVAL_ARGS="--errors 50" lists the misses.
DEV_CORPUS ?= ../shared/corpus/dev
eval: $(STAMP)
	rm -f warehouse/eval.duckdb warehouse/eval.duckdb.wal
	$(BIN)/gazette run data/sample $(wildcard $(DEV_CORPUS)/raw) --db warehouse/eval.duckdb -q
	$(BIN)/gazette eval --db warehouse/eval.duckdb --gold tests/fixtures/gold $(if $(wildcard $(DEV_CORPUS)/gold),--gold $(DEV_CORPUS)/gold --halves) $(EVAL_ARGS)

# Speed and memory on a synthetic corpus; BENCH_ARGS="--n 100000 --server both" for the full set.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Re-resolve the pinned environment (run after changing pyproject.toml).
lock:
	rm -rf /tmp/gazette-lock && $(PYTHON) -m venv /tmp/gazette-lock
	/tmp/gazette-lock/bin/pip install --quiet '.[dev,dbt]'
	/tmp/gazette-lock/bin/pip freeze --exclude gazette > constraints.txt

clean:
	rm -rf $(VENV) .prefect .pytest_cache warehouse/*.duckdb warehouse/*.wal warehouse/staging warehouse/.*-dbt warehouse/report.html dbt/target dbt/logs
