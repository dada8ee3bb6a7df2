"""Benchmark of the dbt build against the size of the ledger: 1 M, 3 M, 10 M invoices.

    python -m c2c.bench.build_scale --invoices 1000000 [--invoices 3000000 ...]
        [--memory-limit 12GB] [--seed 1] [--block-invoices 200000] [--work data/bench/build_scale]

For each size, a landing zone ``<work>/raw_<n>`` (simulated in blocks when it is missing, its
simulation measured too), then on an empty database ``dbt seed`` and one ``dbt build`` of the
event log and the collections marts with their tests (the unit tests left out, as in a scheduled
build). DuckDB's memory is capped by ``--memory-limit`` (``C2C_DUCKDB_MEMORY_LIMIT``); beyond it
DuckDB spills to ``<database>.tmp``. Each step is a child process: wall time and peak resident
memory from the operating system's accounting of that child; the database file and the spill
folder are sampled every half second for their largest size. The cases and events counted in
the built database give the cost per million invoices and per million events.

The figures are printed and written to ``<work>/results.json``; each database is deleted once
measured (``--keep`` keeps it), the zones are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from .dbt_build import REPO, measure
from .simulate_scale import _positive

# the event log and the collections marts with their tests, as bench-dbt's combined step
SELECTION = ["--select", "+event_log", "+cases", "tag:collections", "--indirect-selection", "cautious"]


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it does not exist); files may vanish meanwhile."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


class DiskSampler:
    """Largest size seen of a database file (with its WAL) and of its spill folder."""

    def __init__(self, db: Path, interval: float = 0.5) -> None:
        self.db, self.interval = db, interval
        self.max_db = self.max_spill = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        db_bytes = sum(p.stat().st_size for p in (self.db, Path(f"{self.db}.wal")) if p.exists())
        self.max_db = max(self.max_db, db_bytes)
        self.max_spill = max(self.max_spill, folder_bytes(Path(f"{self.db}.tmp")))

    def __enter__(self) -> "DiskSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def count_built(db: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        def count(table: str) -> int:
            schemas = con.execute("select table_schema from information_schema.tables where table_name = ?",
                                  [table]).fetchall()
            if len(schemas) != 1:
                raise ValueError(f"{db}: expected one table {table}, found {len(schemas)}")
            schema = schemas[0][0]
            return con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]

        return count("cases"), count("event_log")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.build_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=_positive, action="append",
                        help="invoices of a landing zone (repeat for several sizes; default 1000000)")
    parser.add_argument("--memory-limit", default="12GB",
                        help="DuckDB memory_limit for the build (default 12GB, half of a 24 GB machine)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--block-invoices", type=_positive, default=200_000, help="simulator block size")
    parser.add_argument("--work", type=Path, default=Path("data/bench/build_scale"),
                        help="folder for the zones (raw_<n>, reused when present), databases and logs")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args(argv)
    sizes = args.invoices or [1_000_000]

    from tqdm import tqdm

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    dbt, c2c = str(bindir / "dbt"), str(bindir / "c2c")
    results: list[dict] = []
    print(f"benchmark on {platform.node()}: {os.cpu_count()} cores, DuckDB memory_limit {args.memory_limit}; "
          f"work folder {work}", file=sys.stderr)
    with tqdm(total=len(sizes), desc="sizes", unit="size", file=sys.stderr) as bar:
        for n in sizes:
            bar.set_postfix_str(f"{n:,} invoices")
            zone, db = work / f"raw_{n}", work / f"build_{n}.duckdb"
            row: dict = {"invoices": n}
            if not (zone / "d365").is_dir():
                shutil.rmtree(zone, ignore_errors=True)
                wall, peak = measure([c2c, "simulate", "--quiet", "--invoices", str(n), "--seed", str(args.seed),
                                      "--block-invoices", str(args.block_invoices), "--out", str(zone)],
                                     dict(os.environ), work / "logs" / f"simulate_{n}.log")
                row.update(simulate_s=round(wall, 1), simulate_peak_rss_gb=round(peak / 1e9, 2))
                bar.write(f"  simulate {n:,}: {wall:,.1f} s, {peak / 1e9:.2f} GB")
            row["zone_gb"] = round(folder_bytes(zone) / 1e9, 2)
            for path in (db, Path(f"{db}.wal")):
                path.unlink(missing_ok=True)
            shutil.rmtree(f"{db}.tmp", ignore_errors=True)
            env = dict(os.environ, C2C_RAW_ROOT=str(zone), C2C_DUCKDB_PATH=str(db),
                       C2C_DUCKDB_MEMORY_LIMIT=args.memory_limit, DBT_SEND_ANONYMOUS_USAGE_STATS="false")

            def dbt_cmd(*dbt_args: str) -> list[str]:
                return [dbt, *dbt_args, "--profiles-dir", str(REPO), "--project-dir", str(REPO),
                        "--target-path", str(work / "target" / str(n)), "--log-path", str(work / "logs" / str(n))]

            os.sync()
            wall, peak = measure(dbt_cmd("seed"), env, work / "logs" / f"seed_{n}.log")
            row.update(seed_s=round(wall, 1))
            os.sync()
            with DiskSampler(db) as disk:
                wall, peak = measure(dbt_cmd("build", *SELECTION, "--exclude-resource-type", "unit_test"), env,
                                     work / "logs" / f"build_{n}.log")
            cases, events = count_built(db)
            row.update(build_s=round(wall, 1), build_peak_rss_gb=round(peak / 1e9, 2),
                       database_gb=round(disk.max_db / 1e9, 2), spill_gb=round(disk.max_spill / 1e9, 2),
                       cases=cases, events=events, build_s_per_million_invoices=round(wall / (n / 1e6), 1))
            bar.write(f"  build {n:,}: {wall:,.1f} s, peak RSS {peak / 1e9:.2f} GB, database "
                      f"{disk.max_db / 1e9:.2f} GB, spill {disk.max_spill / 1e9:.2f} GB, {cases:,} cases, "
                      f"{events:,} events")
            results.append(row)
            if not args.keep:
                for path in (db, Path(f"{db}.wal")):
                    path.unlink(missing_ok=True)
                shutil.rmtree(f"{db}.tmp", ignore_errors=True)
            bar.update(1)

    header = (f"{'invoices':>12}  {'cases':>12}  {'events':>12}  {'build':>9}  {'s/M inv.':>8}  {'peak RSS':>9}  "
              f"{'database':>9}  {'spill':>8}")
    print("\n" + header)
    for r in results:
        print(f"{r['invoices']:>12,}  {r['cases']:>12,}  {r['events']:>12,}  {r['build_s']:>7.1f} s  "
              f"{r['build_s_per_million_invoices']:>8.1f}  {r['build_peak_rss_gb']:>6.2f} GB  "
              f"{r['database_gb']:>6.2f} GB  {r['spill_gb']:>5.2f} GB")
    # cost per million between consecutive sizes: flat when no step grows faster than the ledger
    # (the smallest size carries dbt's fixed cost of a few hundred nodes)
    for a, b in zip(results, results[1:]):
        b["marginal_s_per_million_invoices"] = round((b["build_s"] - a["build_s"]) / ((b["invoices"] - a["invoices"]) / 1e6), 1)
        print(f"from {a['invoices']:,} to {b['invoices']:,} invoices: {b['marginal_s_per_million_invoices']:.1f} s "
              f"per further million")
    summary = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
               "memory_limit": args.memory_limit, "selection": " ".join(SELECTION), "seed": args.seed,
               "runs": results}
    (work / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nwritten to {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
