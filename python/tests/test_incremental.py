"""An event log built incrementally, one landing day at a time, equals a full refresh row for row."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt


def _land_until(zone: Path, dest: Path, cut: datetime | None) -> None:
    """Copy of the landing zone as it stood at ``cut`` (UTC): D365 rows written to the lake by
    then, HighRadius rows extracted by then. ``None`` copies everything."""
    con = duckdb.connect()
    for table_dir in sorted((zone / "d365").iterdir()):
        out = dest / "d365" / table_dir.name
        out.mkdir(parents=True)
        where = f"where sinkmodifiedon <= timestamp '{cut:%Y-%m-%d %H:%M:%S}'" if cut else ""
        con.execute(f"copy (select * from read_parquet('{table_dir.as_posix()}/*.parquet', union_by_name=true) {where} "
                    f"order by all) to '{(out / 'part.parquet').as_posix()}' (format parquet)")
    for obj_dir in sorted((zone / "highradius").iterdir()):
        out = dest / "highradius" / obj_dir.name
        out.mkdir(parents=True)
        for f in sorted(obj_dir.glob("*.csv")):
            with f.open(newline="", encoding="utf-8") as src, (out / f.name).open("w", newline="", encoding="utf-8") as dst:
                reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
                header = next(reader)
                writer.writerow(header)
                for row in reader:
                    if len(row) != len(header):
                        if cut is None:  # a malformed line arrives with the last extract
                            dst.write(",".join(row) + "\n")
                        continue
                    extracted = datetime.fromisoformat(row[-1]).astimezone(timezone.utc).replace(tzinfo=None)
                    if cut is None or extracted <= cut:
                        writer.writerow(row)


def _rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select * from event_log order by event_id").fetchall()


def test_daily_increments_equal_a_full_refresh(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=1200, seed=31, months=4, faults="default"), zone)
    with duckdb.connect() as con:
        last = con.execute(f"select max(sinkmodifiedon) from read_parquet('{zone.as_posix()}/d365/*/*.parquet', "
                           "union_by_name=true)").fetchone()[0]
    cuts = [last - timedelta(days=d) for d in (4, 3, 2, 1)] + [None]
    db = tmp_path / "incremental.duckdb"
    sizes = []
    for i, cut in enumerate(cuts):
        landed = tmp_path / f"landed_{i}"
        _land_until(zone, landed, cut)
        if i == 0:
            run_dbt(landed, db, "build")
        else:
            proc = run_dbt(landed, db, "run", "--select", "+event_log")
            assert "event_log" in proc.stdout
        sizes.append(len(_rows(db)))
    assert sizes[0] < sizes[-1], f"the increments added no event: {sizes}"
    full = tmp_path / "full.duckdb"
    run_dbt(tmp_path / f"landed_{len(cuts) - 1}", full, "build")
    incremental_rows, full_rows = _rows(db), _rows(full)
    assert len(incremental_rows) == len(full_rows)
    assert incremental_rows == full_rows
