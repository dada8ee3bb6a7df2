"""Benchmark of the dbt build on a large simulated landing zone.

    python -m c2c.bench.dbt_build [--invoices 1000000] [--seed 1] [--work data/bench]

Steps, each a child process whose wall time and peak memory (maximum resident set size, from
the operating system's accounting of that child) are measured:

1. ``c2c simulate`` of the landing zone, unless ``--work``/raw already holds one;
2. ``dbt seed``;
3. ``dbt build --selector event_log``: staging, quarantine, event emitters, ``event_log`` and
   ``cases`` with all their tests, on an empty database;
4. ``dbt build`` of the collections models (tag collections: models/core/collections,
   models/marts/collections) on top of it, and of the process-mining marts; then, in a second
   database, the event log and the collections marts in one ``dbt build`` (what the
   collections marts add to a build);
What a daily run costs (no-op run, incremental day, full build) is measured by
``python -m c2c.bench.incremental`` (``make bench-incremental``).

Before each measured step the files written so far are synced to disk (untimed): otherwise a
step can spend seconds waiting for the previous step's writes (the simulator's 0.6 GB of files,
a copied database) to reach the disk, which is not its own cost.

Every ``dbt build`` runs as a scheduled production build does: without the dbt unit tests
(``--exclude-resource-type unit_test``), which check the SQL logic on fixed fixtures whatever
the data and run in ``make test``. Their cost is measured once, as a step of its own.

The figures are printed as a table and written to ``<work>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def measure(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``cmd``; return (wall seconds, peak RSS bytes). Raises with the log's tail on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}); end of {log}:\n{tail}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.dbt_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("data/bench"), help="folder for the zone, databases, logs")
    args = parser.parse_args(argv)

    from tqdm import tqdm


    work = args.work.resolve()
    raw = work / "raw"
    bindir = Path(sys.executable).parent
    dbt, c2c = str(bindir / "dbt"), str(bindir / "c2c")
    results: list[dict] = []

    def dbt_cmd(*dbt_args: str, name: str) -> list[str]:
        return [dbt, *dbt_args, "--profiles-dir", str(REPO), "--project-dir", str(REPO),
                "--target-path", str(work / "target" / name), "--log-path", str(work / "logs" / name)]

    def dbt_build(*select_args: str, name: str) -> list[str]:
        return dbt_cmd("build", *select_args, "--exclude-resource-type", "unit_test", name=name)

    def env_for(zone: Path, db: Path) -> dict[str, str]:
        return dict(os.environ, C2C_RAW_ROOT=str(zone), C2C_DUCKDB_PATH=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false")

    steps = []
    if not (raw / "d365").is_dir():
        steps.append(("simulate", f"c2c simulate --invoices {args.invoices}",
                      [c2c, "simulate", "--invoices", str(args.invoices), "--seed", str(args.seed), "--out", str(raw),
                       "--faults", "default", "--quiet"], raw, work / "full.duckdb", None))
    full = work / "full.duckdb"
    steps += [
        ("seed", "dbt seed", dbt_cmd("seed", name="full"), raw, full, "fresh"),
        ("event_log", "dbt build --selector event_log", dbt_build("--selector", "event_log", name="full"),
         raw, full, None),
        ("collections", "dbt build of the collections marts",
         dbt_build("--select", "tag:collections", name="full"), raw, full, None),
        ("process_mining", "dbt build of the pm_* marts",
         dbt_build("--select", "tag:process_mining", "--exclude", "event_log", "cases", name="full"), raw, full, None),
        ("unit_tests", "dbt test of every unit test (left out of the builds above)",
         dbt_cmd("test", "--resource-type", "unit_test", name="full"), raw, full, None),
    ]
    combined = work / "combined.duckdb"
    steps += [
        ("combined_seed", "dbt seed (second database)", dbt_cmd("seed", name="combined"), raw, combined, "fresh"),
        ("combined", "dbt build of the event log and the collections marts in one command",
         dbt_build("--select", "+event_log", "+cases", "tag:collections", "--indirect-selection", "cautious",
                   name="combined"),
         raw, combined, None),
    ]
    print(f"benchmark on {platform.node()}: {os.cpu_count()} cores; work folder {work}", file=sys.stderr)
    with tqdm(total=len(steps), desc="benchmark", unit="step", file=sys.stderr) as bar:
        for key, label, cmd, zone, db, prep in steps:
            bar.set_postfix_str(label)
            if prep == "fresh":
                for path in (db, db.with_suffix(".duckdb.wal")):
                    path.unlink(missing_ok=True)
            db.parent.mkdir(parents=True, exist_ok=True)
            # untimed: the files the previous step wrote reach the disk before this step starts,
            # so that no step waits for another's writes
            os.sync()
            wall, peak = measure(cmd, env_for(zone, db), work / "logs" / f"{key}.log")
            results.append({"step": key, "what": label, "wall_s": round(wall, 1), "peak_rss_gb": round(peak / 1e9, 2)})
            bar.write(f"  {label}: {wall:.1f} s, {peak / 1e9:.2f} GB")
            bar.update(1)

    width = max(len(r["what"]) for r in results)
    print(f"\n{'what':<{width}}  {'wall':>8}  {'peak RSS':>9}")
    for r in results:
        print(f"{r['what']:<{width}}  {r['wall_s']:>6.1f} s  {r['peak_rss_gb']:>6.2f} GB")
    wall = {r["step"]: r["wall_s"] for r in results}
    derived = {}
    if "combined" in wall and "event_log" in wall:
        derived["collections_added_s"] = round(wall["combined"] - wall["event_log"], 1)
        print(f"\ncollections marts added to the event-log build: {wall['combined']:.1f} s - {wall['event_log']:.1f} s"
              f" = {derived['collections_added_s']:.1f} s")
    (work / "results.json").write_text(json.dumps({"invoices": args.invoices, "seed": args.seed, "cores": os.cpu_count(),
                                                   "results": results, "derived": derived}, indent=2) + "\n")
    print(f"\nwritten to {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
