"""The data tests limited to the rows a build changed (macros/changed_rows.sql).

On a small landing zone, customer transactions (d365.custtrans) and what they need: a first build
checks every row and records the lake time its tests passed; the next incremental build checks
only the rows in the lake window, with a changed row that duplicates an unchanged one still
found; a failing test keeps the recorded lake time; a full refresh checks every row again."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from c2c.bench.landing import add_d365_versions, current_rows_query, land_until, last_lake_time
from c2c.db import connect_built
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt

BUILD = ("build", "--select", "+stg_d365__custtrans", "+stg_d365__custtable", "--indirect-selection", "cautious",
         "--exclude-resource-type", "unit_test")
SOURCE_KEY_TEST = "source_unique_combination_of_columns_d365_custtrans_dataareaid__recid__versionnumber"
RECONCILIATION = "base_d365__custtrans_reconciles_with_raw"


def _results(db: Path) -> dict[str, str]:
    """test name -> status of the last dbt invocation on ``db``."""
    run_results = db.parent / f"dbt_{db.stem}" / "target" / "run_results.json"
    return {r["unique_id"].split(".")[2]: r["status"] for r in json.loads(run_results.read_text())["results"]}


def _compiled(db: Path, test: str) -> str:
    """The SQL the last dbt invocation on ``db`` ran for a test (dbt shortens long file names)."""
    run_results = db.parent / f"dbt_{db.stem}" / "target" / "run_results.json"
    found = [r["compiled_code"] for r in json.loads(run_results.read_text())["results"]
             if r["unique_id"].split(".")[2] == test]
    assert len(found) == 1, f"{test}: {len(found)} results"
    return found[0]


def _watermarks(db: Path) -> dict[str, object]:
    with connect_built(db) as con:
        return dict(con.execute("select base_model, tested_through from run_state.test_watermarks").fetchall())


def test_staging_tests_check_the_changed_rows_and_a_full_refresh_everything(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=300, seed=5, months=3, faults="default"), zone)
    last = last_lake_time(zone)
    first, second = tmp_path / "landed_0", tmp_path / "landed_1"
    land_until(zone, first, last - timedelta(days=10))
    land_until(zone, second, None)
    db = tmp_path / "db" / "c2c.duckdb"

    # a first build checks every row and records the lake time that passed
    run_dbt(first, db, *BUILD, write_json=True)
    assert "window_ids" not in _compiled(db, RECONCILIATION)
    recorded = _watermarks(db)
    assert {"base_d365__custtrans", "base_d365__custtable"} <= set(recorded)
    with connect_built(db) as con:
        assert recorded["base_d365__custtrans"] == con.execute(
            "select max(lake_modified_at) from base_d365__custtrans").fetchall()[0][0]

    # a broken row from before the window (a second copy of an old change row, written to the lake
    # long ago): an incremental build does not read it again, and neither do its tests
    old_rows = (f"select * from ({current_rows_query(first, 'custtrans')}) "
                "where coalesce(isdelete, 0) <> 1 order by recid, dataareaid limit 2")
    assert add_d365_versions(second, "custtrans", f"select * from ({old_rows}) order by recid limit 1",
                             "copied_long_ago", 0, None, last - timedelta(days=60)) == 1
    run_dbt(second, db, *BUILD, write_json=True)
    results = _results(db)
    assert results[SOURCE_KEY_TEST] == "pass" and results[RECONCILIATION] == "pass", results
    assert "window_ids" in _compiled(db, RECONCILIATION)
    assert "changed_rows.recid = tested_rows.recid" in _compiled(db, SOURCE_KEY_TEST)
    advanced = _watermarks(db)
    assert advanced["base_d365__custtrans"] > recorded["base_d365__custtrans"]

    # a new copy of another old row, in the window: found, although its twin is outside the window;
    # the failure keeps the recorded lake time, so the next build checks these rows again
    assert add_d365_versions(second, "custtrans", f"select * from ({old_rows}) order by recid desc limit 1",
                             "copied_today", 0, None, last + timedelta(hours=1)) == 1
    failed = run_dbt(second, db, *BUILD, check=False, write_json=True)
    assert failed.returncode != 0
    assert _results(db)[SOURCE_KEY_TEST] == "fail"
    assert _watermarks(db)["base_d365__custtrans"] == advanced["base_d365__custtrans"]

    # a full refresh checks every row: both copies are found
    run_dbt(second, db, *BUILD, "--full-refresh", check=False, write_json=True)
    assert _results(db)[SOURCE_KEY_TEST] == "fail"
    assert "changed_rows." not in _compiled(db, SOURCE_KEY_TEST)
    with connect_built(db) as con:
        duplicates = con.execute(
            "select count(*) from (select dataareaid, recid, versionnumber from "
            f"read_parquet('{(second / 'd365' / 'custtrans').as_posix()}/*.parquet', union_by_name=true) "
            "group by all having count(*) > 1)").fetchall()[0][0]
    assert duplicates == 2
