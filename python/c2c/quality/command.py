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
                   help="folder for the Data Docs (default: target/quality/data_docs): one site per stage in "
                        "landing/ and marts/, and index.html linking both")
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
    from .stages import MartUnreadable

    try:
        outcome = run_quality(args.stage, raw_root, db_path, args.docs_dir, store=not args.no_store,
                              progress=None if args.quiet else _progress())
    except MartUnreadable as exc:
        raise UsageError(str(exc)) from exc
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
    """What a run found: its suite runs, the printed lines, the exit code, the run id, the Data
    Docs index, what each stage checked (runner.Checked) and the Data Docs pages per stage."""

    def __init__(self, runs, lines, exit_code, run_id, docs_index, checked=None, page_counts=None) -> None:
        self.runs, self.lines, self.exit_code, self.run_id, self.docs_index = runs, lines, exit_code, run_id, docs_index
        self.checked, self.page_counts = checked or {}, page_counts or {}


def run_quality(stage: str, raw_root: Path, db_path: Path, docs_dir: Path, store: bool = True, progress=None,
                tables: set[str] | None = None) -> QualityOutcome:
    """Run a stage and report; the function behind ``c2c quality`` (tests call it directly).

    Each stage's run is stamped with what it checked: the landing stage with the fingerprint of
    the landing zone's files (no build yet: no dbt invocation), the marts stage with the dbt
    invocation and landing-zone fingerprint of the build (the table run_stamp)."""
    import duckdb

    from c2c.db import connect_built

    from . import docs, rules
    from .runner import Checked, Validator, new_run_id, previous_row_counts, result_rows, store_results
    from .stages import run_landing, run_marts

    started = time.perf_counter()
    run_id, run_at = new_run_id(datetime.now(timezone.utc))
    validator = Validator()
    con = connect_built(db_path) if db_path.is_file() else None
    runs_by_stage, checked = {}, {}
    try:
        if con is not None:
            con.execute("set memory_limit = '2GB'")
        if stage in ("landing", "all"):
            runs_by_stage["landing"] = run_landing(raw_root, validator, previous_row_counts(con),
                                                   progress, tables)
            checked["landing"] = Checked(None, _landing_fingerprint(raw_root))
        if stage in ("marts", "all"):
            runs_by_stage["marts"] = run_marts(con, validator, progress)
            checked["marts"] = _build_checked(con)
    finally:
        if con is not None:
            con.close()
    runs = [r for rs in runs_by_stage.values() for r in rs]
    lines = [r.summary() for r in runs]
    critical = sum(len(r.failed(rules.CRITICAL)) for r in runs)
    warnings = sum(len(r.failed(rules.WARNING)) for r in runs)
    for st, stage_runs in runs_by_stage.items():
        validator.write_docs(stage_runs, run_id, run_at, docs.stage_dir(docs_dir, st))
        docs.write_run_info(docs_dir, st, run_id, run_at, checked[st], len(stage_runs),
                            sum(len(r.failed(rules.CRITICAL)) for r in stage_runs),
                            sum(len(r.failed(rules.WARNING)) for r in stage_runs))
    docs_index = docs.write_index(docs_dir)
    if store:
        import pandas as pd

        frame = pd.concat([result_rows(rs, st, run_id, run_at, checked[st]) for st, rs in runs_by_stage.items()],
                          ignore_index=True)
        try:
            store_results(db_path, frame)
        except duckdb.IOException as exc:
            lines.append(f"could not store the results in {db_path}: {str(exc).splitlines()[0]} "
                         "(is dbt or another program writing to it?)")
            critical += 1
    for st in runs_by_stage:
        lines.append(f"quality {st} checked {checked[st].as_text()}")
    counts = docs.page_counts(docs_dir)
    lines.append("Data Docs pages: " + ", ".join(f"{st} {n}" for st, n in counts.items()) + f" ({docs_index})")
    lines.append(f"quality {stage}: {len(runs)} suites, {critical} critical failures, {warnings} warnings, "
                 f"{sum(1 for r in runs if r.skipped)} skipped; run {run_id} in {time.perf_counter() - started:.1f} s; "
                 f"Data Docs: {docs_index}" + (f"; results in {db_path} table dq_validation_results" if store else ""))
    return QualityOutcome(runs, lines, 1 if critical else 0, run_id, docs_index, checked, counts)


def _landing_fingerprint(raw_root: Path) -> str | None:
    from c2c.runstamp import landing_zone_fingerprint

    return landing_zone_fingerprint(raw_root) if Path(raw_root).is_dir() else None


def _build_checked(con):
    """The dbt invocation and landing-zone fingerprint of the build behind con (NULL for a
    database without a run stamp, e.g. one not built yet)."""
    from c2c.runstamp import RunStampMissing, read_run_stamp

    from .runner import Checked

    if con is None:
        return Checked(None, None)
    try:
        stamp = read_run_stamp(con)
    except RunStampMissing:
        return Checked(None, None)
    return Checked(stamp.dbt_invocation_id, stamp.landing_zone_fingerprint)
