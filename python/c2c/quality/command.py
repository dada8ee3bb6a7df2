"""``c2c quality``: the landing-zone gate and the mart checks, with Data Docs and stored results."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

STAGES = ("landing", "marts", "all")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "quality", help="validate the landing zone and the marts with Great Expectations",
        description="Validate the landing zone (file by file) and the marts (read-only, in batches) against the "
                    "expectation suites; print one line per suite, build Data Docs, store the results in the "
                    "table dq_validation_results. Exits 1 when a critical expectation fails; warnings do not fail.")
    p.add_argument("--stage", choices=STAGES, default="all", help="what to validate (default: all)")
    p.add_argument("--raw-root", type=Path, default=None,
                   help="landing zone to validate (default: $C2C_RAW_ROOT, else data/raw)")
    p.add_argument("--docs-dir", type=Path, default=Path("target/quality/data_docs"),
                   help="folder for the Data Docs site (default: target/quality/data_docs)")
    p.add_argument("--no-store", action="store_true",
                   help="do not append the results to dq_validation_results in $C2C_DUCKDB_PATH")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_quality)


def _cmd_quality(args: argparse.Namespace) -> int:
    from c2c.cli import UsageError

    raw_root = args.raw_root or Path(os.environ.get("C2C_RAW_ROOT") or "data/raw")
    db_path = Path(os.environ.get("C2C_DUCKDB_PATH") or "data/c2c.duckdb")
    if args.stage in ("landing", "all") and not raw_root.is_dir():
        raise UsageError(f"c2c quality: landing zone {raw_root} is not a folder (set --raw-root or C2C_RAW_ROOT)")
    if args.stage == "marts" and not db_path.is_file():
        raise UsageError(f"c2c quality: database {db_path} does not exist (set C2C_DUCKDB_PATH, build it with dbt)")
    outcome = run_quality(args.stage, raw_root, db_path, args.docs_dir, store=not args.no_store,
                          progress=None if args.quiet else _progress())
    for line in outcome.lines:
        print(line)
    return outcome.exit_code


def _progress():
    from tqdm import tqdm

    bar = tqdm(desc="quality", unit="batch", file=sys.stderr, leave=False, bar_format="{desc}: {n_fmt} batches "
               "[{elapsed}] {postfix}")

    def step(name: str) -> None:
        bar.set_postfix_str(name[-60:])
        bar.update(1)
    return step


class QualityOutcome:
    def __init__(self, runs, lines, exit_code, run_id, docs_index) -> None:
        self.runs, self.lines, self.exit_code, self.run_id, self.docs_index = runs, lines, exit_code, run_id, docs_index


def run_quality(stage: str, raw_root: Path, db_path: Path, docs_dir: Path, store: bool = True, progress=None,
                tables: set[str] | None = None) -> QualityOutcome:
    """Run a stage and report; the function behind ``c2c quality`` (tests call it directly)."""
    import duckdb

    from c2c.db import connect_built

    from . import rules
    from .runner import Validator, new_run_id, previous_row_counts, result_rows, store_results
    from .stages import run_landing, run_marts

    started = time.perf_counter()
    run_id, run_at = new_run_id(datetime.now(timezone.utc))
    validator = Validator()
    con = connect_built(db_path) if db_path.is_file() else None
    runs_by_stage = {}
    try:
        if con is not None:
            con.execute("set memory_limit = '2GB'")
        if stage in ("landing", "all"):
            runs_by_stage["landing"] = run_landing(raw_root, validator, previous_row_counts(con),
                                                   progress, tables)
        if stage in ("marts", "all"):
            runs_by_stage["marts"] = run_marts(con, validator, progress)
    finally:
        if con is not None:
            con.close()
    runs = [r for rs in runs_by_stage.values() for r in rs]
    lines = [r.summary() for r in runs]
    critical = sum(len(r.failed(rules.CRITICAL)) for r in runs)
    warnings = sum(len(r.failed(rules.WARNING)) for r in runs)
    docs_index = validator.write_docs(runs, run_id, run_at, docs_dir)
    if store:
        import pandas as pd

        frame = pd.concat([result_rows(rs, st, run_id, run_at) for st, rs in runs_by_stage.items()], ignore_index=True)
        try:
            store_results(db_path, frame)
        except duckdb.IOException as exc:
            lines.append(f"could not store the results in {db_path}: {str(exc).splitlines()[0]} "
                         "(is dbt or another program writing to it?)")
            critical += 1
    lines.append(f"quality {stage}: {len(runs)} suites, {critical} critical failures, {warnings} warnings, "
                 f"{sum(1 for r in runs if r.skipped)} skipped; run {run_id} in {time.perf_counter() - started:.1f} s; "
                 f"Data Docs: {docs_index}" + (f"; results in {db_path} table dq_validation_results" if store else ""))
    return QualityOutcome(runs, lines, 1 if critical else 0, run_id, docs_index)
