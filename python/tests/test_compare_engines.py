"""c2c compare-engines: the check of `make spark-test` that the Spark build of a landing zone holds
the rows of its DuckDB build. Here on a DuckDB database and a Spark-like warehouse folder
written by DuckDB (Parquet, a partitioned table as Spark lays it out), so that each planted
difference is known: the check must see it, and must not see a difference within the tolerance."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from c2c.cli import main
from c2c.engines import TOLERANCE, EngineComparisonError, compare_tables

TABLES = {"event_log": ("event_id",), "pm_variants": ("variant_id",)}

EVENTS = """
    select * from (values
        ('e1', 'usmf:1', 'USMF', timestamp '2024-01-02 10:00:00', cast(100.50 as decimal(28, 6)), 1, 'A'),
        ('e2', 'usmf:1', 'USMF', timestamp '2024-01-03 11:30:00', cast(null as decimal(28, 6)), 2, null),
        ('e3', 'gbsi:7', 'GBSI', timestamp '2024-02-01 00:00:00', cast(7.25 as decimal(28, 6)), 1, 'B')
    ) as t(event_id, case_id, company_code, event_timestamp, amount, activity_order, reason_code)"""
VARIANTS = """
    select * from (values ('v1', 3, 0.537268::double, 'a > b'), ('v2', 1, 43.002395::double, 'a'))
    as t(variant_id, case_count, median_days, variant_activities)"""


def _builds(tmp_path: Path, events: str = EVENTS, variants: str = VARIANTS) -> tuple[Path, Path]:
    db, warehouse = tmp_path / "duck.duckdb", tmp_path / "warehouse"
    tmp_path.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema core")
        con.execute(f"create table core.event_log as {EVENTS}")
        con.execute(f"create table core.pm_variants as {VARIANTS}")
    (warehouse / "core.db").mkdir(parents=True)
    with duckdb.connect() as con:
        # Spark: partition column last, in folders company_code=...; its own types
        con.execute(f"copy (select event_id, case_id, cast(event_timestamp as timestamptz) as event_timestamp, "
                    f"cast(amount as decimal(38, 10)) as amount, cast(activity_order as integer) as activity_order, "
                    f"reason_code, company_code from ({events})) "
                    f"to '{(warehouse / 'core.db' / 'event_log').as_posix()}' (format parquet, partition_by (company_code))")
        (warehouse / "core.db" / "pm_variants").mkdir()
        con.execute(f"copy ({variants}) to '{(warehouse / 'core.db' / 'pm_variants' / 'part-0.parquet').as_posix()}' "
                    "(format parquet)")
    return db, warehouse


def test_equal_builds_are_equal_whatever_the_column_order_types_and_partitions(tmp_path):
    db, warehouse = _builds(tmp_path)
    results = compare_tables(db, warehouse, TABLES)
    assert [r.equal for r in results] == [True, True], "\n".join(r.line() for r in results)
    log = results[0]
    assert (log.duckdb_rows, log.spark_rows) == (3, 3) and log.duckdb_hash == log.spark_hash
    assert log.approximate_columns == ["amount"]


@pytest.mark.parametrize("planted, what", [
    (EVENTS.replace("100.50", "100.51"), "a decimal beyond the tolerance"),
    (EVENTS.replace("11:30:00", "11:30:01"), "a timestamp one second off"),
    (EVENTS.replace(", 'B')", ", null)"), "a NULL for a value"),
    (EVENTS.replace("1, 'A'", "3, 'A'"), "a whole number"),
    (EVENTS.replace("('e3'", "('e4'"), "a row on each side only"),
    (EVENTS.replace("('e2'", "('e1'"), "a key held by two rows"),
])
def test_each_planted_difference_in_the_spark_rows_is_found(tmp_path, planted, what):
    db, warehouse = _builds(tmp_path, events=planted)
    log = compare_tables(db, warehouse, TABLES)[0]
    assert not log.equal, f"{what} not found: {log.line()}"
    assert log.examples or log.duplicate_keys, log.line()


def test_a_difference_within_the_tolerance_is_equal_and_one_beyond_is_not(tmp_path):
    within = VARIANTS.replace("0.537268", "0.537269")  # the 6th decimal turned: 1e-6
    db, warehouse = _builds(tmp_path, variants=within)
    assert compare_tables(db, warehouse, TABLES)[1].equal
    beyond = VARIANTS.replace("43.002395", str(43.002395 + 43.002395 * TOLERANCE * 3))
    db, warehouse = _builds(tmp_path / "beyond", variants=beyond)
    variants = compare_tables(db, warehouse, TABLES)[1]
    assert not variants.equal and "median_days" in variants.examples[0], variants.line()


def test_the_command_exits_1_on_a_difference_and_names_a_missing_table(tmp_path, capsys):
    db, warehouse = _builds(tmp_path, events=EVENTS.replace("100.50", "99"))
    assert main(["compare-engines", "--duckdb", str(db), "--spark-warehouse", str(warehouse),
                 "--tables", "event_log:event_id,pm_variants:variant_id"]) == 1
    out = capsys.readouterr().out
    assert "event_log" in out and "DIFFERENT" in out and "1 of 2 tables equal; different: event_log" in out
    assert main(["compare-engines", "--duckdb", str(db), "--spark-warehouse", str(warehouse),
                 "--tables", "cases:case_id"]) == 1
    assert "no table cases in the DuckDB database" in capsys.readouterr().err
    with pytest.raises(EngineComparisonError, match="no such DuckDB database"):
        compare_tables(tmp_path / "none.duckdb", warehouse, TABLES)
