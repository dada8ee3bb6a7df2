"""`c2c audit-pack`: the auditor's evidence pack of a built database, as a folder and a zip."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_DB = "data/c2c.duckdb"


def _count(name: str, low: int, high: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high:,}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{name} must be {bound}, got {value}")
        return value
    return parse


def register(subparsers) -> None:
    from .pack import DEFAULT_WORKBOOK_ROWS, EXCEL_MAX_ROWS

    p = subparsers.add_parser(
        "audit-pack", help="write the auditor's evidence pack (CSV, Excel, manifest, zip) of the built database",
        description=("Write a folder and a zip an auditor can file: the dunning rules and the policy rows, the "
                     "population, every violation with its evidence, a seeded sample of conforming and violating "
                     "invoices with their event trails, the raw -> staged -> quarantine reconciliation and the run "
                     "stamp, as CSV files and one Excel workbook, with a manifest of SHA-256 checksums. The same "
                     "build, sample size and seed give byte-identical files."))
    p.add_argument("--db", type=Path, default=None,
                   help=f"built DuckDB file, read-only (default: C2C_DUCKDB_PATH, else {DEFAULT_DB})")
    p.add_argument("--out", type=Path, default=Path("audit_pack"),
                   help="folder to write (default audit_pack; the zip is written beside it as <folder>.zip)")
    p.add_argument("--sample-size", type=_count("--sample-size", 0), default=25,
                   help="invoices sampled per group, conforming and violating (default 25)")
    p.add_argument("--seed", type=_count("--seed", 0), default=1, help="seed of the sample (default 1)")
    p.add_argument("--workbook-rows", type=_count("--workbook-rows", 1, EXCEL_MAX_ROWS - 1),
                   default=DEFAULT_WORKBOOK_ROWS,
                   help=f"most data rows per workbook sheet (default {DEFAULT_WORKBOOK_ROWS:,}; the CSV files hold "
                        "every row)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..cli import UsageError
    from . import AuditPackError, write_audit_pack
    from .queries import parts

    db = args.db or Path(os.environ.get("C2C_DUCKDB_PATH") or DEFAULT_DB)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"c2c audit-pack: argument --out: {args.out} exists and is not a folder")
    if not args.out.resolve().parent.exists():
        raise UsageError(f"c2c audit-pack: argument --out: folder {args.out.resolve().parent} does not exist")
    started = time.perf_counter()
    bar = tqdm(total=len(parts()) + 3, desc="audit-pack", unit="file", file=sys.stderr, disable=args.quiet,
               bar_format="{desc}: {n_fmt}/{total_fmt} [{elapsed}] {postfix}")

    def progress(text: str) -> None:
        bar.set_postfix_str(text)
        bar.update(1)

    try:
        manifest = write_audit_pack(db, args.out, sample_size=args.sample_size, seed=args.seed,
                                    workbook_rows=args.workbook_rows, progress=progress)
    except AuditPackError as exc:
        bar.close()
        print(f"c2c audit-pack: {exc}", file=sys.stderr)
        return 1
    bar.close()
    rows = {f["file"]: f.get("rows") for f in manifest["files"]}
    size = sum(f["bytes"] for f in manifest["files"])
    print(f"wrote the audit pack of {db} ({rows.get('violations.csv', 0):,} violations, "
          f"{rows.get('sample.csv', 0):,} sampled invoices, {len(manifest['files']) + 1} files, {size:,} bytes) "
          f"to {args.out} and {args.out.name}.zip in {time.perf_counter() - started:.1f} s")
    print(f"run stamp: as of {manifest['run_stamp']['as_of_date']}, dbt invocation "
          f"{manifest['run_stamp']['dbt_invocation_id']}")
    return 0
