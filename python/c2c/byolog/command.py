"""``c2c byo-log PATH``: build event_log and the process-mining marts from an event log file."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "byo-log", help="build the event log and process-mining marts from your own event log (CSV, Parquet, XES)",
        description=("Load an event log file (CSV, Parquet, XES or .xes.gz) into the DuckDB file at C2C_DUCKDB_PATH "
                     "and build event_log and the process-mining marts (pm_*: variants, directly-follows graph, "
                     "discovered model, conformance of the variants, temporal profile) and run_stamp from it, "
                     "without the D365 / HighRadius layers. Timestamps with a UTC offset become UTC (without one: taken as UTC); "
                     "events of a case with equal timestamps keep their order in the file."))
    p.add_argument("path", type=Path, help="event log file: .csv, .parquet, .xes or .xes.gz")
    p.add_argument("--case-column", default="case:concept:name", metavar="C",
                   help="column of the case id (default case:concept:name; in XES the trace's concept:name)")
    p.add_argument("--activity-column", default="concept:name", metavar="A",
                   help="column of the activity (default concept:name)")
    p.add_argument("--timestamp-column", default="time:timestamp", metavar="T",
                   help="column of the event time, ISO 8601 (default time:timestamp)")
    p.add_argument("--resource-column", default="org:resource", metavar="R",
                   help="column of the resource (default org:resource; optional in the file)")
    p.add_argument("--normative-model", type=Path, default=None, metavar="BPMN",
                   help="BPMN file of the process the variants are checked against (pm_variant_conformance); "
                        "default: the model discovered from the log (pm_discovered_model)")
    p.add_argument("--noise-threshold", type=_noise, default=0.0, metavar="X",
                   help="noise threshold of the inductive miner, 0 (IM, every variant fits) to below 1 (IMf)")
    p.add_argument("--target", default=None, help="dbt target of profiles.yml (default: the profile's default)")
    p.add_argument("--full-refresh", action="store_true", help="rebuild event_log from scratch instead of incrementally")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def _noise(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to below 1, got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be from 0 to below 1, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..cli import UsageError
    from .build import (CONFORMANCE_NODES, LOG_MODELS, MART_NODES, byo_vars, dbt_failures, discovered_bpmn_path,
                        load_events, project_dir, run_dbt, write_discovered_bpmn)
    from .reader import ByoLogError, EventColumns, read_event_log

    started = time.perf_counter()
    project = project_dir()
    db_path = Path(os.environ.get("C2C_DUCKDB_PATH", "data/c2c.duckdb"))
    if not db_path.is_absolute():
        db_path = (project / db_path) if "C2C_DUCKDB_PATH" not in os.environ else db_path.resolve()
    columns = EventColumns(case=args.case_column, activity=args.activity_column, timestamp=args.timestamp_column,
                           resource=args.resource_column or None)

    if args.normative_model is not None and not args.normative_model.is_file():
        raise UsageError(f"c2c byo-log: argument --normative-model: {args.normative_model} does not exist")
    normative = (args.normative_model.resolve() if args.normative_model is not None
                 else discovered_bpmn_path(db_path.resolve()))
    dbt_vars = byo_vars(normative, args.noise_threshold)

    bar = tqdm(total=5, desc="byo-log", unit="step", file=sys.stderr, disable=args.quiet,
               bar_format="{desc}: {n_fmt}/{total_fmt} steps [{elapsed}] {postfix}")

    def note(text: str) -> None:
        bar.set_postfix_str(text[:70])

    try:
        note(f"reading {args.path.name}")
        events = read_event_log(args.path, columns, progress=note)
        bar.update(1)
        note(f"loading {len(events):,} events into {db_path.name}")
        loaded = load_events(events, db_path)
        bar.update(1)
    except ByoLogError as exc:
        bar.close()
        print(f"c2c byo-log: {exc}", file=sys.stderr)
        return 1

    def dbt_line(line: str) -> None:
        if " of " in line and " OK " in line:
            note(line.split("  ", 1)[-1].strip())

    steps = [
        ["run", "--select", *LOG_MODELS] + (["--full-refresh"] if args.full_refresh else []),
        ["build", "--select", *MART_NODES, "--indirect-selection", "cautious"],
        ["build", "--select", *CONFORMANCE_NODES, "--indirect-selection", "cautious"],
    ]
    for number, step in enumerate(steps):
        if number == 2 and args.normative_model is None and not write_discovered_bpmn(db_path, normative):
            bar.update(1)
            continue  # an empty log: no model discovered, nothing to check the variants against
        code, lines = run_dbt(step, db_path, project, args.target, on_line=dbt_line, dbt_vars=dbt_vars)
        bar.update(1)
        if code != 0:
            bar.close()
            print(f"c2c byo-log: dbt {step[0]} failed on {args.path}:", file=sys.stderr)
            for line in dbt_failures(lines):
                print(f"  {line}", file=sys.stderr)
            return 1
    bar.close()
    cases = events["case_id"].nunique()
    against = args.normative_model if args.normative_model is not None else f"the discovered model ({normative})"
    print(f"loaded {loaded:,} events of {cases:,} cases from {args.path} and built event_log, the "
          f"process-mining marts, the discovered model, the temporal profile and the run stamp into {db_path}; "
          f"variants checked against {against}; in {time.perf_counter() - started:.1f} s")
    return 0
