"""The incremental benchmark's pieces: the landing day's extra changes and the time breakdown."""

from __future__ import annotations

import json
from datetime import timedelta

import duckdb
import pytest

from c2c.bench.incremental import breakdown, layer_of
from c2c.bench.landing import add_landing_day_changes, land_until, last_lake_time
from c2c.simulate import SimConfig, simulate


def test_landing_day_changes_delete_invoices_and_deliver_an_extract_again(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=150, seed=5, months=2, faults="none"), zone)
    cut = last_lake_time(zone) - timedelta(days=1)
    before, day = tmp_path / "before", tmp_path / "day"
    land_until(zone, before, cut)
    land_until(zone, day, None)
    added = add_landing_day_changes(day, before, at=cut + timedelta(hours=12), deleted_invoices=4)
    assert added["custinvoicejour deletions"] == 4
    assert added["hr_payment rows delivered again"] > 0
    with duckdb.connect() as con:
        deleted = con.execute(
            f"select count(*), min(isdelete), max(sinkmodifiedon) from read_parquet('{day}/d365/custinvoicejour/deleted.parquet')"
        ).fetchall()[0]
        again = con.execute(
            f"select count(distinct extracted_at) from read_csv('{day}/highradius/hr_payment/redelivered.csv', all_varchar = true)"
        ).fetchall()[0][0]
    assert deleted[:2] == (4, 1) and deleted[2] == cut + timedelta(hours=12)
    assert again == 1


def test_breakdown_sums_node_time_per_layer(tmp_path):
    nodes = {"model.p.base_x": {"original_file_path": "models/staging/d365/base/base_x.sql"},
             "model.p.stg_x": {"original_file_path": "models/staging/d365/stg_x.sql"},
             "model.p.event_log": {"original_file_path": "models/core/process_mining/event_log.sql"},
             "test.p.unique_x.abc": {"original_file_path": "models/x.yml"}}
    results = [{"unique_id": "model.p.base_x", "execution_time": 2.0}, {"unique_id": "model.p.stg_x", "execution_time": 0.5},
               {"unique_id": "model.p.event_log", "execution_time": 4.0}, {"unique_id": "test.p.unique_x.abc", "execution_time": 1.5}]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    got = breakdown(tmp_path / "run_results.json", tmp_path / "manifest.json", top=2)
    assert got["node_seconds_per_layer"] == {"core": 4.0, "staging base tables": 2.0, "data tests": 1.5, "staging": 0.5}
    assert got["node_seconds_total"] == 8.0
    assert [s["node"] for s in got["slowest"]] == ["event_log", "base_x"]
    assert layer_of("seed.p.s", "") == "seeds"


def test_changed_rows_bench_reads_elapsed_and_test_time_and_stops_on_a_failure(tmp_path):
    from c2c.bench.changed_rows_tests import timings

    results = tmp_path / "run_results.json"
    results.write_text(json.dumps({"elapsed_time": 12.5, "results": [
        {"unique_id": "model.p.base_x", "status": "success", "execution_time": 4.0},
        {"unique_id": "test.p.unique_x.abc", "status": "pass", "execution_time": 1.25},
        {"unique_id": "test.p.not_null_x.def", "status": "warn", "execution_time": 0.5}]}))
    assert timings(results) == (12.5, 1.75, 2)
    failing = json.loads(results.read_text())
    failing["results"][1]["status"] = "fail"
    results.write_text(json.dumps(failing))
    with pytest.raises(SystemExit, match="unique_x"):
        timings(results)
