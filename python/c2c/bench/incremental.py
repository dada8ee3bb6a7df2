"""Benchmark of what a daily run costs: a no-op run, an incremental day and a full build.

    python -m c2c.bench.incremental [--zone data/bench/raw] [--work data/bench/incremental]
                                    [--runs 3] [--selector event_log]

On a landing zone (default: the one ``make bench-simulate`` writes), for the selection
(default ``event_log``: staging, the event emitters, ``event_log`` and ``cases`` with their data
tests), each measured as a scheduled production run (``--exclude-resource-type unit_test``):

- **full build**: ``dbt build --selector …`` of the whole zone into an empty database (seeds
  loaded beforehand, untimed);
- **no-op run**: the same command on a database that already holds the build of the zone as it
  stood one day before its last lake time, on that same zone (nothing new);
- **incremental day**: the same command on that database after one day of landing: the whole
  zone, where that day brings new invoices, CDC updates of older rows, late letters and payments
  on old invoices, plus what ``landing.add_landing_day_changes`` adds: invoices deleted in D365
  (deletion rows) and a HighRadius extract delivered again;
- **fixed cost**: the no-op run of the same selection on a database built from a landing zone of
  ``--floor-invoices`` (default 1,000) simulated invoices: what a run costs whatever the ledger's
  size (dbt's start-up and its cost per node: a few hundred models and tests). The figures above
  less this one are the work that grows with the ledger.

The database of the day before is built once (untimed) and copied for every run. Each step is a
child process whose wall time and peak memory (maximum resident set size) are measured; the
files written before a step are synced to disk first (untimed). The figures of every run, their
range, the targets' ratios and where the time of the no-op run and of the incremental day goes
(dbt's ``run_results.json``: node time per layer, the slowest nodes) are printed and written to
``<work>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from .dbt_build import REPO, measure
from .landing import add_landing_day_changes, land_until, last_lake_time

TARGET_NOOP_SHARE = 0.20       # no-op run <= 20 % of the full build
TARGET_CHANGE_SHARE = 0.10     # (incremental day - no-op) <= 10 % of (full - no-op)


def layer_of(unique_id: str, path: str) -> str:
    """The layer a node of run_results belongs to, for the time breakdown."""
    kind = unique_id.split(".", 1)[0]
    if kind != "model":
        return {"test": "data tests", "seed": "seeds", "operation": "hooks"}.get(kind, kind)
    if "/base/" in path:
        return "staging base tables"
    return path.split("/", 1)[0] if "/" in path else "models"


def breakdown(run_results: Path, manifest: Path, top: int = 12) -> dict:
    """Node time per layer and the slowest nodes of one dbt run."""
    results = json.loads(run_results.read_text())["results"]
    nodes = json.loads(manifest.read_text())["nodes"]
    per_layer: dict[str, float] = defaultdict(float)
    rows = []
    for result in results:
        uid = result["unique_id"]
        path = nodes.get(uid, {}).get("original_file_path", "").removeprefix("models/")
        layer = layer_of(uid, path)
        per_layer[layer] += result["execution_time"]
        rows.append((result["execution_time"], uid.split(".")[-1] if uid.startswith("model") else uid.split(".")[2], layer))
    rows.sort(reverse=True)
    return {"node_seconds_per_layer": {k: round(v, 1) for k, v in sorted(per_layer.items(), key=lambda kv: -kv[1])},
            "node_seconds_total": round(sum(per_layer.values()), 1),
            "slowest": [{"node": name, "layer": layer, "seconds": round(t, 2)} for t, name, layer in rows[:top]]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.incremental", description=__doc__.split("\n\n")[0])
    parser.add_argument("--zone", type=Path, default=Path("data/bench/raw"), help="the landing zone (default: bench-simulate's)")
    parser.add_argument("--work", type=Path, default=Path("data/bench/incremental"), help="folder for zones, databases, logs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--selector", default="event_log")
    parser.add_argument("--floor-invoices", type=int, default=1000,
                        help="invoices of the small zone whose no-op run measures the fixed cost (0: not measured)")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    zone, work = args.zone.resolve(), args.work.resolve()
    if not (zone / "d365").is_dir():
        raise SystemExit(f"{zone}: no landing zone (d365/ missing); run `make bench-simulate` or pass --zone")
    work.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    dbt = str(bindir / "dbt")

    def dbt_cmd(*dbt_args: str, name: str) -> list[str]:
        return [dbt, *dbt_args, "--profiles-dir", str(REPO), "--project-dir", str(REPO),
                "--target-path", str(work / "target" / name), "--log-path", str(work / "logs" / name)]

    build = ("build", "--selector", args.selector, "--exclude-resource-type", "unit_test")

    def env_for(raw: Path, db: Path) -> dict[str, str]:
        return dict(os.environ, C2C_RAW_ROOT=str(raw), C2C_DUCKDB_PATH=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false")

    def fresh(db: Path) -> None:
        for path in (db, db.with_suffix(".duckdb.wal")):
            path.unlink(missing_ok=True)

    day_before, day = work / "raw_day_before", work / "raw_day"
    cut = last_lake_time(zone) - timedelta(days=1)
    base_db = work / "day_before.duckdb"
    floor_raw, floor_db = work / "raw_floor", work / "floor.duckdb"
    steps = 2 + 3 * args.runs + (1 + args.runs if args.floor_invoices else 0)
    results: dict[str, list[dict]] = defaultdict(list)
    with tqdm(total=steps, desc="incremental benchmark", unit="step", file=sys.stderr) as bar:
        bar.set_postfix_str("landing zones")
        for path in (day_before, day):
            if path.exists():
                shutil.rmtree(path)
        land_until(zone, day_before, cut)
        land_until(zone, day, None)
        changes = add_landing_day_changes(day, day_before, at=cut + timedelta(hours=12))
        bar.write(f"  zones: the day before ends {cut:%Y-%m-%d %H:%M:%S}; the day adds {changes}")
        bar.update(1)

        bar.set_postfix_str("the day before, built once")
        # dbt's partial-parse state in these target paths can hold another checkout's paths (a
        # seed read from a worktree since removed): parse afresh, untimed, and let the timed
        # no-op runs and days start from a parse of this checkout like the other runs
        for state in (work / "target").glob("*/partial_parse.msgpack"):
            state.unlink()
        measure(dbt_cmd("parse", name="noop"), env_for(day_before, work / "incremental.duckdb"),
                work / "logs" / "noop_parse.log")
        measure(dbt_cmd("parse", name="incremental"), env_for(day, work / "incremental.duckdb"),
                work / "logs" / "incremental_parse.log")
        fresh(base_db)
        measure(dbt_cmd("seed", name="base"), env_for(day_before, base_db), work / "logs" / "base_seed.log")
        wall, peak = measure(dbt_cmd(*build, name="base"), env_for(day_before, base_db), work / "logs" / "base.log")
        bar.write(f"  database of the day before: {wall:.1f} s, {peak / 1e9:.2f} GB (untimed base)")
        bar.update(1)

        if args.floor_invoices:
            bar.set_postfix_str(f"a zone of {args.floor_invoices:,} invoices, built once")
            shutil.rmtree(floor_raw, ignore_errors=True)
            fresh(floor_db)
            measure([str(bindir / "c2c"), "simulate", "--quiet", "--invoices", str(args.floor_invoices), "--seed", "1",
                     "--out", str(floor_raw)], dict(os.environ), work / "logs" / "floor_simulate.log")
            measure(dbt_cmd("seed", name="floor"), env_for(floor_raw, floor_db), work / "logs" / "floor_seed.log")
            measure(dbt_cmd(*build, name="floor"), env_for(floor_raw, floor_db), work / "logs" / "floor_base.log")
            bar.update(1)

        for run in range(1, args.runs + 1):
            full_db, inc_db = work / "full.duckdb", work / "incremental.duckdb"
            fresh(full_db)
            measure(dbt_cmd("seed", name="full"), env_for(day, full_db), work / "logs" / "full_seed.log")
            os.sync()
            for key, label, cmd, raw, db in (
                ("full", "full build", dbt_cmd(*build, name="full"), day, full_db),
                ("noop", "no-op run", dbt_cmd(*build, name="noop"), day_before, inc_db),
                ("incremental", "incremental day", dbt_cmd(*build, name="incremental"), day, inc_db),
            ):
                bar.set_postfix_str(f"run {run}: {label}")
                if key == "noop":
                    fresh(inc_db)
                    shutil.copyfile(base_db, inc_db)
                os.sync()
                wall, peak = measure(cmd, env_for(raw, db), work / "logs" / f"{key}_{run}.log")
                entry = {"run": run, "wall_s": round(wall, 1), "peak_rss_gb": round(peak / 1e9, 2)}
                if key != "full":
                    target = work / "target" / key
                    entry["breakdown"] = breakdown(target / "run_results.json", target / "manifest.json")
                results[key].append(entry)
                bar.write(f"  run {run}, {label}: {wall:.1f} s, {peak / 1e9:.2f} GB")
                bar.update(1)
            if args.floor_invoices:
                bar.set_postfix_str(f"run {run}: fixed cost")
                os.sync()
                wall, peak = measure(dbt_cmd(*build, name="floor"), env_for(floor_raw, floor_db),
                                     work / "logs" / f"floor_{run}.log")
                results["floor"].append({"run": run, "wall_s": round(wall, 1), "peak_rss_gb": round(peak / 1e9, 2)})
                bar.write(f"  run {run}, fixed cost (no-op on {args.floor_invoices:,} invoices): {wall:.1f} s")
                bar.update(1)

    def span(key: str) -> str:
        walls = [r["wall_s"] for r in results[key]]
        return f"{min(walls):.1f}-{max(walls):.1f} s" if len(walls) > 1 else f"{walls[0]:.1f} s"

    print(f"\n`dbt build --selector {args.selector} --exclude-resource-type unit_test`, {args.runs} runs, zone {zone}")
    measured = [("full", "full build"), ("noop", "no-op run"), ("incremental", "incremental day")]
    if args.floor_invoices:
        measured.append(("floor", f"fixed cost ({args.floor_invoices:,} inv.)"))
    for key, label in measured:
        peaks = [r["peak_rss_gb"] for r in results[key]]
        print(f"  {label:<16} {span(key):>14}   peak {min(peaks):.2f}-{max(peaks):.2f} GB   "
              f"runs: {', '.join(str(r['wall_s']) for r in results[key])}")
    derived = []
    for run in range(args.runs):
        full, noop, inc = (results[k][run]["wall_s"] for k in ("full", "noop", "incremental"))
        entry = {"run": run + 1, "noop_share_of_full": round(noop / full, 3),
                 "change_share": round((inc - noop) / (full - noop), 3) if full > noop else None}
        if args.floor_invoices:
            floor = results["floor"][run]["wall_s"]
            entry["floor_share_of_full"] = round(floor / full, 3)
            entry["noop_above_floor_share"] = round((noop - floor) / (full - floor), 3) if full > floor else None
        derived.append(entry)
    for d in derived:
        change = f"{d['change_share']:.0%}" if d["change_share"] is not None else "n/a (no-op >= full)"
        print(f"  run {d['run']}: no-op / full = {d['noop_share_of_full']:.0%} (target <= {TARGET_NOOP_SHARE:.0%}); "
              f"(incremental - no-op) / (full - no-op) = {change} (target <= {TARGET_CHANGE_SHARE:.0%})")
        if "floor_share_of_full" in d:
            above = f"{d['noop_above_floor_share']:.0%}" if d["noop_above_floor_share"] is not None else "n/a"
            print(f"         fixed cost / full = {d['floor_share_of_full']:.0%}; "
                  f"(no-op - fixed cost) / (full - fixed cost) = {above}")
    for key, label in (("noop", "no-op run"), ("incremental", "incremental day")):
        last = results[key][-1]["breakdown"]
        print(f"\nwhere the {label}'s time goes (run {args.runs}; node seconds, {last['node_seconds_total']} in all, 2 threads):")
        for layer, seconds in last["node_seconds_per_layer"].items():
            print(f"  {layer:<22} {seconds:>7.1f}")
        print("  slowest: " + "; ".join(f"{s['node']} {s['seconds']}" for s in last["slowest"]))
    (work / "results.json").write_text(json.dumps({"zone": str(zone), "selector": args.selector, "runs": args.runs,
                                                   "cut": cut.isoformat(), "changes": changes, "results": results,
                                                   "derived": derived}, indent=2) + "\n")
    print(f"\nwritten to {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    sys.exit(code)
