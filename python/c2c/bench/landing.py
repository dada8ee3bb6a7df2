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
            if not any(table_dir.glob("*.parquet")):
                continue  # a table with no file stays without one
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


def current_rows_query(zone: Path, table: str) -> str:
    """A DuckDB query over the current rows of a D365 table of a landing zone: per company and
    recid the highest versionnumber, then the latest sinkmodifiedon, a deletion first on a tie
    (the order of d365_current_versions)."""
    files = f"{(zone / 'd365' / table).as_posix()}/*.parquet"
    return (f"select * from read_parquet('{files}', union_by_name = true) "
            "qualify row_number() over (partition by upper(dataareaid), recid "
            "order by versionnumber desc, sinkmodifiedon desc, coalesce(isdelete, 0) desc) = 1")


def add_d365_versions(zone: Path, table: str, query: str, name: str, bump: int, isdelete: int | None,
                      at: datetime, change: str = "") -> int:
    """Writes to ``zone``/d365/``table``/``name``.parquet a new change row of each row of ``query``:
    versionnumber + ``bump``, isdelete as given (1: the record was deleted in D365), written to
    the lake at ``at``; ``change``: more ``expression as column`` replacements. Returns the rows."""
    out = zone / "d365" / table / f"{name}.parquet"
    flag = "null" if isdelete is None else str(isdelete)
    with duckdb.connect() as con:
        con.execute(f"copy (select * replace (versionnumber + {bump} as versionnumber, "
                    f"cast({flag} as integer) as isdelete, timestamp '{at:%Y-%m-%d %H:%M:%S}' as sinkmodifiedon"
                    f"{', ' + change if change else ''}) from ({query})) to '{out.as_posix()}' (format parquet)")
        return con.execute(f"select count(*) from read_parquet('{out.as_posix()}')").fetchall()[0][0]


def redeliver_extract(zone: Path, obj: str, at: datetime) -> int:
    """HighRadius delivers the rows of an object's first extract file again, extracted at ``at``
    (written as ``redelivered.csv`` beside it). Returns the rows."""
    first = sorted((zone / "highradius" / obj).glob("*.csv"))[0]
    out = zone / "highradius" / obj / "redelivered.csv"
    with duckdb.connect() as con:
        con.execute(f"copy (select * replace ('{at:%Y-%m-%dT%H:%M:%S}+00:00' as extracted_at) "
                    f"from read_csv('{first.as_posix()}', all_varchar = true, header = true)) "
                    f"to '{out.as_posix()}' (header, delimiter ',')")
        return con.execute(f"select count(*) from read_csv('{out.as_posix()}', header = true)").fetchall()[0][0]


def posted_invoices_query(zone: Path, count: int) -> str:
    """A DuckDB query over the current live custinvoicejour rows of the ``count`` posted invoices
    (positive amount) with the lowest invoice ids of a landing zone. Its order has no ties (a
    query run again must give the same rows)."""
    return (f"select * from ({current_rows_query(zone, 'custinvoicejour')}) "
            "where invoiceamount > 0 and coalesce(isdelete, 0) <> 1 and invoiceid is not null "
            f"order by invoiceid, dataareaid, recid limit {count}")


def add_landing_day_changes(day: Path, day_before: Path, at: datetime, deleted_invoices: int = 20) -> dict[str, int]:
    """Adds to the landing zone ``day`` the change kinds a landing day can bring that a cut by
    lake time does not: ``deleted_invoices`` invoices of ``day_before`` (the posted ones with the
    lowest ids) deleted in D365, and the first extract of hr_payment delivered again, both at
    ``at``. Returns the rows added per kind."""
    invoices = posted_invoices_query(day_before, deleted_invoices)
    return {"custinvoicejour deletions": add_d365_versions(day, "custinvoicejour", invoices, "deleted", 1000, 1, at),
            "hr_payment rows delivered again": redeliver_extract(day, "hr_payment", at)}
