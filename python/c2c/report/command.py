"""`c2c report`: the self-contained HTML report of a built database."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_DB = "data/c2c.duckdb"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="write the HTML report (overview, process map, conformance, collections, data quality)",
        description="Write one self-contained HTML file (no network needed to view it) from the built DuckDB "
                    "database (read-only): overview, process map, dunning conformance with drill-down, "
                    "collections and data quality, each with the build's run stamp.")
    p.add_argument("--db", type=Path, default=None,
                   help=f"built database (default: C2C_DUCKDB_PATH, else {DEFAULT_DB})")
    p.add_argument("--out", type=Path, default=Path("report.html"), help="file to write (default report.html)")
    p.add_argument("--language", choices=("en", "fr"), default="en",
                   help="language of the activity labels and headings shown first (the page switches between both)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError
    from . import ReportError, write_report

    db = args.db or Path(os.environ.get("C2C_DUCKDB_PATH") or DEFAULT_DB)
    if args.out.exists() and args.out.is_dir():
        raise UsageError(f"c2c report: argument --out: {args.out} is a folder")
    if not args.out.parent.exists():
        raise UsageError(f"c2c report: argument --out: folder {args.out.parent} does not exist")
    started = time.perf_counter()
    print(f"report: reading {db}", file=sys.stderr)
    try:
        result = write_report(db, args.out, args.language)
    except ReportError as exc:
        print(f"c2c report: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({result['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    print(f"run stamp: {result['stamp']}")
    return 0
