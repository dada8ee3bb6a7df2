"""An event log built incrementally, one landing day at a time, equals a full refresh row for row."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from c2c.db import connect_built
from c2c.bench.landing import land_until, last_lake_time
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt

# event_log and everything upstream, seeds included, into an empty database (the data tests
# run on the session builds and in `make dbt-test`)
FIRST_BUILD = ("build", "--select", "+event_log", "--exclude-resource-type", "test", "unit_test")


def _rows(db: Path) -> list[tuple]:
    with connect_built(db) as con:
        return con.execute("select * from event_log order by event_id").fetchall()


def test_daily_increments_equal_a_full_refresh(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=1200, seed=31, months=4, faults="default"), zone)
    last = last_lake_time(zone)
    cuts = [last - timedelta(days=d) for d in (4, 3, 2, 1)] + [None]
    db = tmp_path / "incremental" / "c2c.duckdb"
    sizes = []
    for i, cut in enumerate(cuts):
        landed = tmp_path / f"landed_{i}"
        land_until(zone, landed, cut)
        if i == 0:
            run_dbt(landed, db, *FIRST_BUILD)
        else:
            proc = run_dbt(landed, db, "run", "--select", "+event_log")
            assert "event_log" in proc.stdout
        sizes.append(len(_rows(db)))
    assert sizes[0] < sizes[-1], f"the increments added no event: {sizes}"
    full = tmp_path / "full" / "c2c.duckdb"
    run_dbt(tmp_path / f"landed_{len(cuts) - 1}", full, *FIRST_BUILD)
    incremental_rows, full_rows = _rows(db), _rows(full)
    assert len(incremental_rows) == len(full_rows)
    assert incremental_rows == full_rows
