"""A landing zone as it stood at an earlier moment, for incremental builds and benchmarks.

The cut follows the contract's lake times only: a D365 row belongs to the zone once it was
written to the lake (``sinkmodifiedon``), a HighRadius row once it was extracted
(``extracted_at``, a timestamp with an offset). Nothing depends on file names or row order.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb


def last_lake_time(zone: Path) -> datetime:
    """The latest ``sinkmodifiedon`` of the zone's D365 tables (naive UTC)."""
    with duckdb.connect() as con:
        row = con.execute(
            "select max(sinkmodifiedon) from read_parquet(?, union_by_name = true)",
            [f"{zone.as_posix()}/d365/*/*.parquet"],
        ).fetchall()
    if not row or row[0][0] is None:
        raise ValueError(f"{zone}/d365: no Parquet rows with a sinkmodifiedon")
    return row[0][0]


def land_until(zone: Path, dest: Path, cut: datetime | None) -> None:
    """Write to ``dest`` the landing zone ``zone`` as it stood at ``cut`` (naive UTC).

    D365: one Parquet file per table with the rows written to the lake by then. HighRadius:
    each CSV file with the rows extracted by then; a line that does not have the header's
    number of fields (a malformed line) has no extraction time and is left out. ``cut`` None
    copies every file as it is.
    """
    if (dest / "d365").exists() or (dest / "highradius").exists():
        raise FileExistsError(f"{dest} already holds a landing zone")
    if cut is None:
        for system in ("d365", "highradius"):
            shutil.copytree(zone / system, dest / system)
        return
    with duckdb.connect() as con:
        for table_dir in sorted(p for p in (zone / "d365").iterdir() if p.is_dir()):
            out = dest / "d365" / table_dir.name
            out.mkdir(parents=True)
            where = f"where sinkmodifiedon <= timestamp '{cut:%Y-%m-%d %H:%M:%S.%f}'" if cut else ""
            con.execute(
                f"copy (select * from read_parquet('{table_dir.as_posix()}/*.parquet', union_by_name = true) "
                f"{where} order by all) to '{(out / 'part.parquet').as_posix()}' (format parquet)"
            )
    for obj_dir in sorted(p for p in (zone / "highradius").iterdir() if p.is_dir()):
        out = dest / "highradius" / obj_dir.name
        out.mkdir(parents=True)
        for f in sorted(obj_dir.glob("*.csv")):
            with f.open(newline="", encoding="utf-8") as src, \
                    (out / f.name).open("w", newline="", encoding="utf-8") as dst:
                reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
                header = next(reader, None)
                if header is None:
                    continue
                if "extracted_at" not in header:
                    raise ValueError(f"{f}: the header has no extracted_at column")
                at = header.index("extracted_at")
                writer.writerow(header)
                for row in reader:
                    if len(row) != len(header):
                        continue
                    try:
                        extracted = datetime.fromisoformat(row[at])
                    except ValueError:
                        raise ValueError(f"{f}, line {reader.line_num}: extracted_at {row[at]!r} is not a timestamp") from None
                    if extracted.tzinfo is None:
                        raise ValueError(f"{f}, line {reader.line_num}: extracted_at {row[at]!r} has no UTC offset")
                    if extracted.astimezone(timezone.utc).replace(tzinfo=None) <= cut:
                        writer.writerow(row)
