# credit-to-cash: everyday commands. Needs GNU make, Python 3.11+ and a C compiler.
#   make demo    simulate a landing zone and build everything on it
#   make test    unit tests, a build of a small simulated landing zone, SQL lint
# Commands run from the virtual environment .venv (created on first use), never from
# an activated shell.

PYTHON ?= python3
VENV = .venv
BIN = $(VENV)/bin
INSTALLED = $(VENV)/.installed
# the test and lint tools (the dev extra) on top of the runtime dependencies
DEV_INSTALLED = $(VENV)/.installed-dev
DBT = $(BIN)/dbt
DBT_FLAGS = --profiles-dir . --project-dir .

# The commit the run stamp of a build names (table run_stamp): `-dirty` when files differ.
export C2C_COMMIT ?= $(shell git describe --always --dirty=-dirty --abbrev=40 2>/dev/null || echo unknown)

# Demo: the simulated landing zone and the database built from it.
DEMO_RAW = data/raw
DEMO_REPORT = data/report.html
C2C_DUCKDB_PATH ?= data/c2c.duckdb
# Tests: a small landing zone of their own, rebuilt on every run, with the faults of every
# quarantine reason (--faults all).
CI_DIR = data/ci
CI_ENV = C2C_RAW_ROOT=$(CI_DIR)/raw C2C_DUCKDB_PATH=$(CI_DIR)/c2c.duckdb

# The Spark lane (make spark-test, docs/spark.md; not part of make test, CI runs it after
# make test): dbt-spark and pyspark in a virtual environment of their own (pyspark in .venv
# breaks Great Expectations under pytest-xdist), Java 17 from the system. The CI landing zone
# is built on Spark and compared with its DuckDB build.
SPARK_VENV = .venv-spark
SPARK_INSTALLED = $(SPARK_VENV)/.installed
CI_SPARK_DIR = $(CI_DIR)/spark

# SQL folders that hold SQL files (sqlfluff fails on a folder with nothing to lint).
SQL_DIRS = $(foreach dir,models macros analyses tests,$(if $(shell find $(dir) -name '*.sql' 2>/dev/null | head -n 1),$(dir)))
# pytest processes (pytest-xdist): a test module runs in one of them, the session's landing
# zones and builds are made once for all. PYTEST_WORKERS=0 runs the tests in this process.
PYTEST_WORKERS ?= 2
# sqlfluff processes (with 1, sqlfluff lints in make's process and, at its exit, nanobind may print
# a report of DuckDB objects still alive: harmless, the exit code is sqlfluff's)
LINT_PROCESSES ?= 2
# make test: the outputs of the steps it runs side by side are printed one step at a time
# (GNU make 4 and later)
OUTPUT_SYNC = $(if $(filter 3.%,$(MAKE_VERSION)),,--output-sync=target)
# GNU time reports peak memory; fall back to the shell's timing where it is missing.
TIME = $(if $(wildcard /usr/bin/time),/usr/bin/time -v,time)

.DEFAULT_GOAL := help
.PHONY: help venv install demo test pytest dbt-test dbt-test-and-lint spark-test lint mutate bench bench-simulate bench-simulate-scale bench-build-scale bench-dbt bench-incremental bench-changed-rows-tests bench-pm bench-dbt-floor bench-quality bench-audit-pack bench-report vendor-js clean distclean

help:
	@echo "make demo            simulate a landing zone ($(DEMO_RAW)) and build it into $(C2C_DUCKDB_PATH)"
	@echo "make test            unit tests, dbt build of a small simulated landing zone, SQL lint"
	@echo "make spark-test      build the CI landing zone on Spark and compare it with the DuckDB build (after make dbt-test)"
	@echo "make lint            SQL lint (sqlfluff)"
	@echo "make mutate          mutation score of the tests on the CI landing zone (about 15 min; not in make test)"
	@echo "make bench-simulate  time the simulator on 1,000,000 invoices"
	@echo "make bench-simulate-scale the simulator's time and peak memory on 1,000,000 and 3,000,000 invoices (blocks)"
	@echo "make bench-build-scale the build of the event log and collections marts on 1, 3 and 10 million invoices (about 75 min, 65 GB of free disk)"
	@echo "make bench-dbt       time dbt builds (event log, marts) on that landing zone"
	@echo "make bench-incremental a no-op run, an incremental day and a full build, 3 runs each, on that zone"
	@echo "make bench-changed-rows-tests the no-op run and the day with the staging tests on every row and on the changed rows"
	@echo "make bench-pm        the SQL process-mining marts against pm4py on the database bench-dbt built"
	@echo "make bench-dbt-floor what dbt costs for the event-log selection's mix of nodes with nothing in them"
	@echo "make bench-quality   time the quality gate (landing zone and marts) on that landing zone"
	@echo "make bench-audit-pack time c2c audit-pack on the database bench-dbt built"
	@echo "make bench-report    time c2c report on the database bench-dbt built"
	@echo "make vendor-js       refresh the report's JavaScript libraries from the npm registry (needs npm)"
	@echo "make install         create .venv and install the project (done by the targets above)"
	@echo "make clean           remove data/, target/ and logs/ (keeps .venv)"
	@echo "make distclean       clean, and remove .venv and Python build files"

venv: $(INSTALLED)
install: $(INSTALLED)

# Reinstalled only when the dependencies change; the package itself is installed
# editable, so edits to python/ need no reinstall.
define NEW_VENV
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Python 3.11 or newer is needed; run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV) (on Debian/Ubuntu: apt install python3-venv)" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
endef

$(INSTALLED): pyproject.toml constraints.txt
	$(NEW_VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

# The runtime dependencies and the dev extra in one installation; the runtime is then
# installed too.
# Spark's virtual environment: the project with the spark extra (dbt-spark, pyspark)
$(SPARK_INSTALLED): pyproject.toml constraints.txt
	@test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[spark]'
	@touch $@

$(DEV_INSTALLED): pyproject.toml constraints.txt
	$(NEW_VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(INSTALLED) $@

demo: $(INSTALLED)
	$(BIN)/c2c simulate --invoices 20000 --seed 42 --out $(DEMO_RAW) --faults default
	@mkdir -p $(dir $(C2C_DUCKDB_PATH))
	@# landing-zone gate: stops before dbt on a critical problem; warnings are reported only
	C2C_RAW_ROOT=$(DEMO_RAW) C2C_DUCKDB_PATH=$(C2C_DUCKDB_PATH) $(BIN)/c2c quality --stage landing
	@# build loads the seeds, then runs every model and test in dependency order; a full
	@# refresh, because the landing zone was written anew (incremental runs follow lake times)
	C2C_RAW_ROOT=$(DEMO_RAW) C2C_DUCKDB_PATH=$(C2C_DUCKDB_PATH) $(DBT) build $(DBT_FLAGS) --full-refresh
	@# mart suites: read the database read-only, then store their results with the landing ones;
	@# each quality run ends with the Data Docs pages per stage (landing and marts side by side)
	C2C_RAW_ROOT=$(DEMO_RAW) C2C_DUCKDB_PATH=$(C2C_DUCKDB_PATH) $(BIN)/c2c quality --stage marts
	@# the quality marts then show both runs
	C2C_RAW_ROOT=$(DEMO_RAW) C2C_DUCKDB_PATH=$(C2C_DUCKDB_PATH) $(DBT) run $(DBT_FLAGS) --select stg_quality__dq_validation_results+
	C2C_RAW_ROOT=$(DEMO_RAW) C2C_DUCKDB_PATH=$(C2C_DUCKDB_PATH) $(DBT) docs generate $(DBT_FLAGS)
	@# the public marts for BI tools, in a folder a later build never blocks (docs/bi.md)
	$(BIN)/c2c publish --db $(C2C_DUCKDB_PATH) --out data/serving --manifest target/manifest.json
	@echo
	@echo "Done. Results:"
	@echo "  landing zone (simulated)  $(DEMO_RAW)/"
	@echo "  DuckDB database           $(C2C_DUCKDB_PATH)   (open with: $(BIN)/python -c \"import duckdb; duckdb.connect('$(C2C_DUCKDB_PATH)').sql('show all tables').show()\")"
	@echo "  dbt docs and artefacts    target/   (browse with: $(DBT) docs serve $(DBT_FLAGS))"
	@echo "  data-quality Data Docs    target/quality/data_docs/index.html   (landing/ and marts/ side by side; pages per stage above)"
	@# the report: one HTML file that opens offline
	$(BIN)/c2c report --db $(C2C_DUCKDB_PATH) --out $(DEMO_REPORT)
	@echo "  report                    $(DEMO_REPORT)   (open it in a browser)"
	@echo "  for BI tools              data/serving/current/   (Parquet + serving.duckdb; docs/bi.md)"

# pytest side by side with the dbt build of the CI landing zone and the lint, which run one
# after the other (both use data/ci and the project's target/). Fails if any of them fails.
test: $(DEV_INSTALLED)
	@$(MAKE) --no-print-directory -j 2 $(OUTPUT_SYNC) pytest dbt-test-and-lint

dbt-test-and-lint: $(DEV_INSTALLED)
	@$(MAKE) --no-print-directory dbt-test
	@$(MAKE) --no-print-directory lint

pytest: $(DEV_INSTALLED)
	$(BIN)/python -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadscope) python/tests

dbt-test: $(INSTALLED)
	rm -rf $(CI_DIR)
	$(BIN)/c2c simulate --invoices 800 --seed 7 --out $(CI_DIR)/raw --faults all
	$(CI_ENV) $(DBT) build $(DBT_FLAGS) --target ci

# Needs Java 17 (`java` on the PATH); without it the lane is skipped with what to install, and
# fails under CI=true. Reads the landing zone and the DuckDB database that dbt-test built.
spark-test: $(INSTALLED)
	@if ! command -v java >/dev/null 2>&1; then \
		echo "spark-test: no Java on the PATH; install a Java 17 runtime (Debian/Ubuntu: apt install openjdk-17-jre-headless)" >&2; \
		if [ "$(CI)" = "true" ]; then exit 1; fi; echo "spark-test: skipped" >&2; exit 0; fi
	@test -f $(CI_DIR)/c2c.duckdb || { echo "spark-test: run make dbt-test first ($(CI_DIR)/c2c.duckdb is missing)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(SPARK_INSTALLED)
	rm -rf $(CI_SPARK_DIR)
	@# the seeds and the event log first from the zone as it stood a day earlier, so that the build below runs
	@# event_log incrementally (insert_overwrite) on the day that followed
	$(BIN)/python -m c2c.landing_cut $(CI_DIR)/raw $(CI_SPARK_DIR)/raw_day_before --days-before-last 1
	@# (Spark reads the landing zone from absolute paths)
	@# (Spark's own warnings and stack traces go to $(CI_SPARK_DIR)/spark.log; its tail is shown on a failure)
	C2C_RAW_ROOT=$(abspath $(CI_SPARK_DIR))/raw_day_before C2C_SPARK_DIR=$(CI_SPARK_DIR) $(SPARK_VENV)/bin/dbt build \
		$(DBT_FLAGS) --target spark --select +event_log --exclude-resource-type test unit_test --target-path $(CI_SPARK_DIR)/target \
		--log-path $(CI_SPARK_DIR)/logs 2>> $(CI_SPARK_DIR)/spark.log || { tail -n 40 $(CI_SPARK_DIR)/spark.log; exit 1; }
	C2C_RAW_ROOT=$(abspath $(CI_DIR))/raw C2C_SPARK_DIR=$(CI_SPARK_DIR) $(SPARK_VENV)/bin/dbt build $(DBT_FLAGS) \
		--target spark --exclude-resource-type unit_test --target-path $(CI_SPARK_DIR)/target \
		--log-path $(CI_SPARK_DIR)/logs 2>> $(CI_SPARK_DIR)/spark.log || { tail -n 40 $(CI_SPARK_DIR)/spark.log; exit 1; }
	$(BIN)/c2c compare-engines --duckdb $(CI_DIR)/c2c.duckdb --spark-warehouse $(CI_SPARK_DIR)/warehouse

lint: $(DEV_INSTALLED)
	@mkdir -p $(CI_DIR)
	$(if $(SQL_DIRS),$(CI_ENV) $(BIN)/sqlfluff lint --processes $(LINT_PROCESSES) $(SQL_DIRS),@echo "no SQL files to lint")

# Mutation score: one planted defect at a time in the SQL of the event-log, conformance, KPI and
# precursor models, each rebuilt with its descendants and tested on the CI landing zone
# (python -m c2c.bench.mutate; scratch copy of the project and results in data/mutate).
mutate: $(INSTALLED)
	$(BIN)/python -m c2c.bench.mutate --work data/mutate

bench: bench-simulate bench-dbt bench-pm bench-quality bench-audit-pack bench-report

# Reuses the landing zone of bench-simulate (data/bench/raw) when it is there.
bench-dbt: $(INSTALLED)
	$(BIN)/python -m c2c.bench.dbt_build --invoices 1000000 --seed 1 --work data/bench

# What a daily run costs (no-op, incremental day, full build; 3 runs; where the time goes), on
# the landing zone of bench-simulate.
bench-incremental: $(INSTALLED)
	$(BIN)/python -m c2c.bench.incremental --zone data/bench/raw --work data/bench/incremental --runs 3

# The staging data tests on every row against the changed rows only, on what bench-incremental left.
bench-changed-rows-tests: $(INSTALLED)
	$(BIN)/python -m c2c.bench.changed_rows_tests --work data/bench/incremental --runs 2

# The SQL process-mining marts against pm4py, on the database bench-dbt built.
bench-pm: $(INSTALLED)
	$(BIN)/python -m c2c.bench.pm_sql_vs_pm4py --db data/bench/full.duckdb --work data/bench/pm

# What dbt costs for the event-log selection's mix of nodes (one-row tables): a daily run's floor.
bench-dbt-floor: $(INSTALLED)
	$(BIN)/python -m c2c.bench.dbt_floor --work data/bench/floor --runs 3

# The quality gate (landing zone and marts) on the landing zone and database of bench-dbt.
bench-quality: $(INSTALLED)
	C2C_RAW_ROOT=data/bench/raw C2C_DUCKDB_PATH=data/bench/full.duckdb $(TIME) $(BIN)/c2c quality --stage all --no-store --docs-dir data/bench/quality_docs --quiet

# c2c audit-pack (time, peak memory, size, the manifest twice the same) on the database of bench-dbt.
bench-audit-pack: $(INSTALLED)
	$(BIN)/python -m c2c.bench.audit_pack --db data/bench/full.duckdb --work data/bench/audit_pack

# c2c report on the database of bench-dbt: seconds, peak memory, size.
bench-report: $(INSTALLED)
	$(BIN)/python -m c2c.bench.report_bench --db data/bench/full.duckdb --out data/bench/report.html

# The report's JavaScript libraries (python/c2c/report/vendor/, pinned in pins.json), fetched
# again with npm pack at the pinned versions.
vendor-js: $(INSTALLED)
	$(BIN)/python -m c2c.report.vendor_js

bench-simulate: $(INSTALLED)
	$(TIME) $(BIN)/c2c simulate --invoices 1000000 --seed 1 --out data/bench/raw --faults default

# The simulator's wall time and peak memory per number of invoices, the zone simulated in blocks
# of 200,000 invoices (python -m c2c.bench.simulate_scale; zones deleted once measured).
bench-simulate-scale: $(INSTALLED)
	$(BIN)/python -m c2c.bench.simulate_scale --invoices 1000000 --invoices 3000000 --seed 1 --work data/bench/simulate_scale

# The build (event log and collections marts, tests included) on 1 M, 3 M and 10 M invoices, DuckDB
# capped at 12 GB and spilling beyond (python -m c2c.bench.build_scale; the zones are simulated
# in blocks when missing and kept, 12 GB on disk; each database is deleted once measured).
bench-build-scale: $(INSTALLED)
	$(BIN)/python -m c2c.bench.build_scale --invoices 1000000 --invoices 3000000 --invoices 10000000 \
		--memory-limit 12GB --work data/bench/build_scale

clean:
	rm -rf data target logs

distclean: clean
	rm -rf $(VENV) $(SPARK_VENV) python/*.egg-info build dist .pytest_cache
	find python -name __pycache__ -type d -prune -exec rm -rf {} +
