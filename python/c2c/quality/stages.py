"""The two stages: the landing-zone gate and the mart checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pandas as pd

from c2c.contract import load_contract

from . import rules, suites
from .landing import ReferenceSets, inventory, row_batches, table_files
from c2c.db import table_exists

from .marts import MART_QUERIES, cases_batches, event_log_batches, mart_frames
from .runner import ROW_COUNT_RULE, Outcome, SuiteRun, Validator

Progress = Callable[[str], None] | None


class MartUnreadable(RuntimeError):
    """A mart lacks a column its suite reads: the database was built by other code than the suites."""


def _new_run(suite: dict[str, Any], table: str) -> SuiteRun:
    return SuiteRun(suite=suite, table=table,
                    outcomes={e["id"]: Outcome(suite["name"], table, e) for e in suite["expectations"]})


def run_landing(root: Path, validator: Validator, previous_rows: dict[str, float], progress: Progress = None,
                tables: set[str] | None = None, suite_dir: Path = suites.EXPECTATIONS_DIR) -> list[SuiteRun]:
    """Validate every landing table of the contract, file by file. ``tables`` limits the run to
    some tables (``<system>/<table>``)."""
    contract = load_contract()
    refs = ReferenceSets.build(root, contract)
    runs = []
    for suite in suites.load("landing", suite_dir):
        system, table = suite["meta"]["system"], suite["meta"]["table"]
        if tables is not None and f"{system}/{table}" not in tables:
            continue
        tf = table_files(root, system, table, contract)
        run = _new_run(suite, f"{system}/{table}")
        runs.append(run)
        files, schema = inventory(tf)
        if files.empty:
            run.skipped = f"optional table, no file matches {tf.pattern}"
            continue
        params = {"earliest_date": pd.Timestamp(rules.EARLIEST_DATE), "latest_date": pd.Timestamp(rules.LATEST_DATE),
                  "row_count_floor": previous_rows.get(suite["name"], 0.0) * rules.ROW_COUNT_DROP_SHARE}
        for name, df in row_batches(tf, suite, files, schema, refs):
            if progress:
                progress(name)
            validator.validate(run, suites.ROWS, name, df, params)
            run.rows += len(df)
        inv = files.copy()
        inv["is_readable"] = inv["is_readable"].astype(object)
        for i, r in inv.iterrows():  # name the file and the reason in the failing list
            if not r["is_readable"]:
                inv.at[i, "file"] = f"{r['file']} ({r['error']})"
        validator.validate(run, suites.FILES, "files", inv, params)
        # a per-file expectation failing on the inventory names the files, not "files"
        for outcome in run.outcomes.values():
            if outcome.meta["batch"] == suites.FILES and outcome.failing and outcome.meta["rule"] != ROW_COUNT_RULE:
                column = outcome.expectation["kwargs"]["column"]
                bad = inv[inv[column].notna()] if outcome.type == "expect_column_values_to_be_null" else (
                    inv[inv[column] != True] if column == "is_readable" else inv[inv[column] > 0])  # noqa: E712
                detail = (lambda r: f"{r['file']}: {r['missing_columns']}") if column == "missing_columns" else (
                    lambda r: r["file"])
                counts = bad[column] if column == "malformed_lines" else pd.Series(1, index=bad.index)
                outcome.failing = [(detail(r), int(counts[i])) for i, r in bad.iterrows()]
    return runs


def run_marts(con, validator: Validator, progress: Progress = None,
              suite_dir: Path = suites.EXPECTATIONS_DIR) -> list[SuiteRun]:
    """Validate the mart suites on the tables of the DuckDB connection (read-only). A suite whose
    table is not built is skipped, with a message."""
    readers = {"event_log": _event_log, "cases": _cases}
    runs = []
    for suite in suites.load("marts", suite_dir):
        table = suite["meta"]["table"]
        run = _new_run(suite, table)
        runs.append(run)
        if con is None:
            run.skipped = "no DuckDB database (C2C_DUCKDB_PATH) to read"
        elif not table_exists(con, table):
            run.skipped = f"table {table} does not exist (not built yet)"
        elif table in readers:
            readers[table](con, run, validator, progress)
        elif table in MART_QUERIES:
            _mart(con, run, validator, progress)
        else:
            run.skipped = f"no batch reader for table {table}"
    return runs


def _mart(con, run: SuiteRun, validator: Validator, progress: Progress) -> None:
    import duckdb

    try:
        frames = list(mart_frames(con, run.table))
    except duckdb.CatalogException as exc:  # a table the mart reconciles with is not built
        run.skipped = f"cannot read {run.table}: {str(exc).splitlines()[0]}"
        return
    except duckdb.Error as exc:  # the mart lacks a column its suite reads: built by other code
        raise MartUnreadable(f"c2c quality: suite {run.name} cannot read table {run.table} "
                           f"(rebuild it with dbt build): {str(exc).splitlines()[0]}") from exc
    for batch, name, df in frames:
        if progress:
            progress(name)
        validator.validate(run, batch, name, df, {})
        if batch == suites.TABLE:
            run.rows += len(df)


def _event_log(con, run: SuiteRun, validator: Validator, progress: Progress) -> None:
    for name, events, paths in event_log_batches(con):
        if progress:
            progress(name)
        validator.validate(run, suites.EVENTS, name, events, {})
        validator.validate(run, suites.CASE_PATHS, name, paths, {})
        run.batches -= 1  # one batch, two frames
        run.rows += len(events)


def _cases(con, run: SuiteRun, validator: Validator, progress: Progress) -> None:
    for name, df in cases_batches(con):
        if progress:
            progress(name)
        validator.validate(run, suites.CASES, name, df, {})
        run.rows += len(df)
