"""Benchmark: the SQL process-mining marts against pm4py on the same event log, in one run.

    python -m c2c.bench.pm_sql_vs_pm4py --db data/c2c.duckdb [--work data/bench/pm]

The database must hold a built ``event_log`` (and the ``activity_catalogue`` seed). Steps:

1. the database is copied to ``<work>`` (the original is never written to) and the copy is
   synced to disk, so that no step below waits for the copy to be written;
2. ``dbt compile`` gives the SQL of the intermediate models ``int_event_log_activities``,
   ``int_event_log_sequenced`` and ``int_case_variants`` and of the ``pm_*`` SQL marts (``pm_variant_steps``, ``pm_variants``,
   ``pm_dfg_edges``, ``pm_activity_stats``); each is run as ``create or replace table ... as
   <compiled SQL>`` on the copy, in dependency order, and timed (the SQL side: DuckDB, from the
   stored event log to the finished marts, sorting included);
3. the event log is read into pandas (the columns below; timed, counted on neither side);
   pandas sorts it (stable) by the same key as the SQL side, (case_id, event_timestamp,
   activity_order), which gives the order of the ordering rule because activity_order
   determines the activity (see int_event_log_sequenced) and which pm4py's variant functions
   need; pm4py computes the variants (``get_variants``), the DFG (``discover_dfg``) and the
   performance DFG (``discover_performance_dfg``), each timed.

Prints both totals and the ratio pm4py / SQL, with and without the pandas sort, and writes them
to ``<work>/pm_results.json``.
Wall times with ``time.perf_counter``; nothing is estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# In dependency order: each may read the ones before it.
SQL_MODELS = ("int_event_log_activities", "int_event_log_sequenced", "int_case_variants", "pm_variant_steps", "pm_variants",
              "pm_dfg_edges", "pm_activity_stats")
SORT_KEY = ("case_id", "event_timestamp", "activity_order")


def flush_to_disk(*paths: Path) -> None:
    """Write the copied files' pages to disk before anything is timed.

    A fresh copy of a database of a few GB is still in the page cache when the SQL side starts;
    DuckDB's first checkpoint then syncs the file and would wait for the whole copy to reach the
    disk, which is the cost of the copy, not of the SQL marts.
    """
    for path in paths:
        if path.exists():
            with path.open("rb+") as handle:
                os.fsync(handle.fileno())


def compile_models(db: Path, work: Path) -> dict[str, tuple[str, str]]:
    """model name -> (relation name, compiled SQL), compiled by dbt against ``db``."""
    env = dict(os.environ, C2C_DUCKDB_PATH=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.setdefault("C2C_RAW_ROOT", str(work / "raw-not-read"))
    target = work / "target"
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt), "compile", "--select", *SQL_MODELS, "--profiles-dir", str(REPO), "--project-dir", str(REPO),
           "--target-path", str(target), "--log-path", str(work / "logs"), "--quiet"]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dbt compile failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    manifest = json.loads((target / "manifest.json").read_text())
    found = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") == "model" and node["name"] in SQL_MODELS:
            found[node["name"]] = (node["relation_name"], node["compiled_code"])
    missing = [m for m in SQL_MODELS if m not in found]
    if missing:
        raise SystemExit(f"dbt compile gave no SQL for {', '.join(missing)}")
    return found


def time_sql(db: Path, compiled: dict[str, tuple[str, str]]) -> dict[str, float]:
    import duckdb

    times: dict[str, float] = {}
    with duckdb.connect(str(db)) as con:
        for name in SQL_MODELS:
            relation, sql = compiled[name]
            # the layer schema (core, marts) of a database that holds only the event log
            con.execute(f"create schema if not exists {relation.rsplit('.', 1)[0]}").fetchall()
            started = time.perf_counter()
            con.execute(f"create or replace table {relation} as {sql}")
            times[name] = time.perf_counter() - started
    return times


def load_event_log(db: Path):
    from c2c.db import connect_built

    with connect_built(db) as con:
        return con.execute(f"select {', '.join(SORT_KEY)}, activity_code from event_log").df()


def time_pm4py(frame) -> dict[str, float]:
    import pm4py

    keys = dict(case_id_key="case_id", activity_key="activity_code", timestamp_key="event_timestamp")
    times: dict[str, float] = {}
    started = time.perf_counter()
    frame = frame.sort_values(list(SORT_KEY), kind="stable").reset_index(drop=True)
    times["pandas sort (ordering rule)"] = time.perf_counter() - started
    for label, func in (("get_variants", pm4py.get_variants), ("discover_dfg", pm4py.discover_dfg),
                        ("discover_performance_dfg", pm4py.discover_performance_dfg)):
        started = time.perf_counter()
        func(frame, **keys)
        times[label] = time.perf_counter() - started
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.pm_sql_vs_pm4py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="DuckDB file with a built event_log")
    parser.add_argument("--work", type=Path, default=Path("data/bench/pm"), help="scratch folder (default data/bench/pm)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"pm_sql_vs_pm4py: {args.db}: no such DuckDB file", file=sys.stderr)
        return 2
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "pm_bench.duckdb"
    copy_wal = copy.with_name(copy.name + ".wal")
    # a write-ahead log left by an earlier run would be replayed onto the fresh copy
    copy_wal.unlink(missing_ok=True)
    shutil.copyfile(args.db, copy)
    wal = args.db.with_name(args.db.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy_wal)
    flush_to_disk(copy, copy_wal)

    from c2c.db import connect_built

    with connect_built(copy) as con:
        events, cases = con.execute("select count(*), count(distinct case_id) from event_log").fetchone()
    print(f"event_log: {events:,} events, {cases:,} cases ({args.db})", flush=True)

    compiled = compile_models(copy, work)
    sql_times = time_sql(copy, compiled)
    sql_total = sum(sql_times.values())
    for name, seconds in sql_times.items():
        print(f"  SQL    {name:<28} {seconds:8.2f} s", flush=True)
    print(f"  SQL    {'total':<28} {sql_total:8.2f} s", flush=True)

    started = time.perf_counter()
    frame = load_event_log(copy)
    load_seconds = time.perf_counter() - started
    print(f"  (event_log read into pandas in {load_seconds:.2f} s; counted on neither side)", flush=True)
    pm_times = time_pm4py(frame)
    pm_total = sum(pm_times.values())
    pm_functions = pm_total - pm_times["pandas sort (ordering rule)"]
    for name, seconds in pm_times.items():
        print(f"  pm4py  {name:<28} {seconds:8.2f} s", flush=True)
    print(f"  pm4py  {'total':<28} {pm_total:8.2f} s", flush=True)
    ratio = pm_total / sql_total if sql_total else float("inf")
    ratio_functions = pm_functions / sql_total if sql_total else float("inf")
    print(f"pm4py / SQL = {ratio:.1f}x with the pandas sort, {ratio_functions:.1f}x for the pm4py functions alone "
          f"(SQL {sql_total:.2f} s for sequencing, variants, steps, DFG and activity statistics; "
          f"pm4py {pm_total:.2f} s for sort, variants, DFG and performance DFG)")

    results = {"db": str(args.db), "events": events, "cases": cases, "sql_seconds": sql_times,
               "sql_total_seconds": sql_total, "pandas_load_seconds": load_seconds, "pm4py_seconds": pm_times,
               "pm4py_total_seconds": pm_total, "ratio": ratio, "ratio_pm4py_functions_only": ratio_functions, "machine": platform.platform(),
               "cpus": os.cpu_count()}
    (work / "pm_results.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
