"""Cut a landing zone at a moment: the landing zone as it stood then.

``cut_landing_zone(src, dst, cutoff)`` copies the landing zone under ``src`` to ``dst`` without
every row written after ``cutoff`` (UTC): D365 rows whose ``sinkmodifiedon`` is later (with CDC,
the version of a record current at the cutoff survives) and HighRadius rows whose
``extracted_at`` is later. Lines whose ``extracted_at`` cannot be read (malformed lines) are
kept as they are. Ground truth is not copied. Used by the point-in-time test of the precursors.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import duckdb


def _utc(value: str) -> datetime | None:
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.astimezone(timezone.utc)


def cut_landing_zone(src: Path | str, dst: Path | str, cutoff: datetime) -> dict[str, int]:
    """Returns the number of rows removed per table / object."""
    src, dst = Path(src), Path(dst)
    cutoff = cutoff if cutoff.tzinfo else cutoff.replace(tzinfo=timezone.utc)
    naive = cutoff.astimezone(timezone.utc).replace(tzinfo=None)
    removed: dict[str, int] = {}
    con = duckdb.connect()
    try:
        for path in sorted((src / "d365").glob("*/*.parquet")):
            out = dst / path.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            rel = f"read_parquet('{path.as_posix()}')"
            total = con.execute(f"select count(*) from {rel}").fetchone()[0]
            con.execute(
                f"copy (select * from {rel} where sinkmodifiedon is null or sinkmodifiedon <= ?) "
                f"to '{out.as_posix()}' (format parquet)", [naive])
            kept = con.execute(f"select count(*) from read_parquet('{out.as_posix()}')").fetchone()[0]
            key = f"d365.{path.parent.name}"
            removed[key] = removed.get(key, 0) + total - kept
    finally:
        con.close()
    for path in sorted((src / "highradius").glob("*/*.csv")):
        out = dst / path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if not lines:
            out.write_text("", encoding="utf-8")
            continue
        header = next(csv.reader([lines[0]]))
        at = header.index("extracted_at") if "extracted_at" in header else None
        kept_lines = [lines[0]]
        dropped = 0
        for line in lines[1:]:
            fields = next(csv.reader([line]), [])
            ts = _utc(fields[at]) if at is not None and len(fields) == len(header) else None
            if ts is not None and ts > cutoff:
                dropped += 1
                continue
            kept_lines.append(line)
        out.write_text("".join(kept_lines), encoding="utf-8")
        key = f"highradius.{path.parent.name}"
        removed[key] = removed.get(key, 0) + dropped
    return removed


def main(argv: list[str] | None = None) -> int:
    """``python -m c2c.landing_cut SRC DST [--days-before-last N]``: the landing zone SRC as it
    stood N days (default 1) before its latest D365 lake time, written to DST; for trying an
    incremental run (build on DST, then run on SRC). Used by `make spark-test`."""
    import argparse
    from datetime import timedelta

    from c2c.bench.landing import last_lake_time

    parser = argparse.ArgumentParser(prog="python -m c2c.landing_cut", description=main.__doc__)
    parser.add_argument("src", type=Path, help="the landing zone")
    parser.add_argument("dst", type=Path, help="where to write the cut copy (must not exist)")
    parser.add_argument("--days-before-last", type=float, default=1.0,
                        help="the cut, in days before the latest sinkmodifiedon of the D365 tables (default 1)")
    args = parser.parse_args(argv)
    if args.dst.exists():
        parser.error(f"{args.dst} exists; give a new folder")
    try:
        cutoff = last_lake_time(args.src) - timedelta(days=args.days_before_last)
    except (ValueError, duckdb.Error) as exc:
        parser.error(f"{args.src}: {exc}")
    removed = cut_landing_zone(args.src, args.dst, cutoff)
    print(f"{args.dst}: {args.src} as of {cutoff:%Y-%m-%d %H:%M:%S} UTC; "
          f"{sum(removed.values()):,} rows written later left out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
