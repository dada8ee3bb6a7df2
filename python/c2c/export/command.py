"""`c2c export xes` and `c2c export ocel`: the built event log in the standard exchange formats."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_DB = "data/c2c.duckdb"


def register(subparsers) -> None:
    export = subparsers.add_parser(
        "export", help="write the event log as IEEE XES or OCEL 2.0",
        description="Write the event log of the DuckDB database at C2C_DUCKDB_PATH (read-only) in a standard format.")
    formats = export.add_subparsers(dest="export_format", metavar="FORMAT", parser_class=type(export))
    formats.required = True

    xes = formats.add_parser("xes", help="IEEE XES 1849-2016 (one trace per invoice)",
                             description="The event log as IEEE XES 1849-2016: one trace per case (invoice).")
    xes.add_argument("--out", type=Path, default=Path("event_log.xes"),
                     help="file to write (default event_log.xes; a name ending in .gz is gzip-compressed)")
    xes.add_argument("--language", choices=("en", "fr"), default="en",
                     help="language of the activity labels (concept:name): en (default) or fr")
    xes.add_argument("--quiet", action="store_true", help="no progress bar")
    xes.set_defaults(func=_cmd_xes)

    ocel = formats.add_parser("ocel", help="OCEL 2.0, object-centric (SQLite or JSON)",
                              description="The event log as an OCEL 2.0 object-centric event log: invoices, customers, "
                                          "payments, dunning letters, disputes, promises to pay and credit reviews.")
    ocel.add_argument("--format", choices=("sqlite", "json"), default="sqlite", dest="ocel_format",
                      help="sqlite (default) or json")
    ocel.add_argument("--out", type=Path, default=None,
                      help="file to write (default event_log.sqlite or event_log.jsonocel)")
    ocel.add_argument("--language", choices=("en", "fr"), default="en",
                      help="language of the activity labels (event types): en (default) or fr")
    ocel.add_argument("--quiet", action="store_true", help="no progress bar")
    ocel.set_defaults(func=_cmd_ocel)


def _database() -> Path:
    return Path(os.environ.get("C2C_DUCKDB_PATH") or DEFAULT_DB)


def _check_out(command: str, out: Path) -> None:
    from ..cli import UsageError

    if out.exists() and out.is_dir():
        raise UsageError(f"c2c export {command}: argument --out: {out} is a folder")
    if not out.parent.exists():
        raise UsageError(f"c2c export {command}: argument --out: folder {out.parent} does not exist")


def _check_language(con, command: str, language: str) -> str | None:
    """An error message when the French labels are asked of a database built without them."""
    if language == "fr":
        found = con.execute("select count(*) from information_schema.columns where table_name = 'event_log' "
                            "and column_name = 'activity_fr'").fetchall()[0][0]
        if not found:
            return (f"c2c export {command}: table event_log has no column 'activity_fr' (the French labels): "
                    "rebuild it with dbt build --full-refresh --select event_log+")
    return None


def _bar(total: int, desc: str, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="row", unit_scale=True, file=sys.stderr, leave=False)


def _cmd_xes(args: argparse.Namespace) -> int:
    from . import ExportError, open_event_log, write_xes

    _check_out("xes", args.out)
    started = time.perf_counter()
    try:
        con = open_event_log(_database())
    except ExportError as exc:
        print(f"c2c export xes: {exc}", file=sys.stderr)
        return 1
    with con:
        problem = _check_language(con, "xes", args.language)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        total = con.execute("select count(*) from event_log").fetchone()[0]
        bar = _bar(total, "export xes", args.quiet)
        result = write_xes(con, args.out, progress=bar.update if bar else None, language=args.language)
        if bar:
            bar.close()
    print(f"wrote {result['cases']:,} cases and {result['events']:,} events to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def _cmd_ocel(args: argparse.Namespace) -> int:
    from . import ExportError, open_event_log, write_ocel

    out = args.out or Path("event_log.sqlite" if args.ocel_format == "sqlite" else "event_log.jsonocel")
    _check_out("ocel", out)
    started = time.perf_counter()
    try:
        con = open_event_log(_database())
    except ExportError as exc:
        print(f"c2c export ocel: {exc}", file=sys.stderr)
        return 1
    bar = None

    def prepared(counts: dict) -> None:
        nonlocal bar
        bar = _bar(counts["events"] + counts["objects"] + (counts["event_object"] + counts["object_object"]
                   if args.ocel_format == "sqlite" else 0), "export ocel", args.quiet)

    with con:
        problem = _check_language(con, "ocel", args.language)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        result = write_ocel(con, out, args.ocel_format, progress=lambda n: bar.update(n) if bar else None,
                            on_prepared=prepared, language=args.language)
    if bar:
        bar.close()
    types = ", ".join(f"{v:,} {k.split(':', 1)[1]}" for k, v in result.items() if k.startswith("objects:"))
    print(f"wrote {result['events']:,} events, {result['objects']:,} objects ({types}), "
          f"{result['event_object']:,} event-object and {result['object_object']:,} object-object relationships "
          f"to {out} in {time.perf_counter() - started:.1f} s")
    return 0
