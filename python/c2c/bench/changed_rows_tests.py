"""What limiting the staging data tests to the rows a build changed saves (docs/incremental.md).

Reuses what ``make bench-incremental`` leaves in its work folder: the landing zone of the day
before (``raw_day_before``), the zone one day later (``raw_day``) and the database built from the
day before (``day_before.duckdb``). For each run, in turn with the tests on every row
(``--vars '{limit_tests_to_changed_rows: false}'``) and on the changed rows (the default; the
order alternates from run to run), a copy
of that database is built again from the same zone (the no-op run) and from the day after (the
incremental day), with ``dbt build --selector event_log --exclude-resource-type unit_test``.
Prints, per variant and kind of run, the wall time and peak memory of each run, dbt's elapsed
time, and the node seconds of the data tests (from run_results.json).

    python -m c2c.bench.changed_rows_tests --work data/bench/incremental --runs 2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from tqdm import tqdm

from c2c.bench.dbt_build import REPO, measure

VARIANTS = (("every row", "{limit_tests_to_changed_rows: false}"), ("changed rows", "{limit_tests_to_changed_rows: true}"))


def timings(run_results: Path) -> tuple[float, float, int]:
    """(dbt's elapsed seconds, node seconds of the data tests, data tests) of one invocation."""
    data = json.loads(run_results.read_text())
    tests = [r for r in data["results"] if r["unique_id"].startswith("test.")]
    failed = [r["unique_id"] for r in data["results"] if r["status"] in ("error", "fail")]
    if failed:
        raise SystemExit(f"{run_results}: {len(failed)} nodes failed, e.g. {failed[:3]}")
    return data["elapsed_time"], sum(r["execution_time"] for r in tests), len(tests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("data/bench/incremental"),
                        help="the work folder of `make bench-incremental` (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each variant (default: %(default)s)")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    base_db, day_before, day = work / "day_before.duckdb", work / "raw_day_before", work / "raw_day"
    for needed in (base_db, day_before, day):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing: run `make bench-incremental` first")
    dbt = str(Path(sys.executable).parent / "dbt")
    db = work / "changed_rows.duckdb"
    rows: list[dict] = []
    steps = args.runs * len(VARIANTS) * 2
    with tqdm(total=steps, desc="tests on changed rows", unit="build", file=sys.stderr) as bar:
        for run in range(1, args.runs + 1):
            for kind, raw in (("no-op run", day_before), ("incremental day", day)):
                # the order alternates from run to run, so that a machine that slows down (or speeds
                # up) over the benchmark does not favour one variant
                for label, dbt_vars in (VARIANTS if run % 2 else VARIANTS[::-1]):
                    bar.set_postfix_str(f"run {run}: {kind}, {label}")
                    for path in (db, db.with_suffix(".duckdb.wal")):
                        path.unlink(missing_ok=True)
                    shutil.copyfile(base_db, db)
                    os.sync()
                    target = work / "target" / "changed_rows"
                    cmd = [dbt, "build", "--selector", "event_log", "--exclude-resource-type", "unit_test",
                           "--vars", dbt_vars, "--profiles-dir", str(REPO), "--project-dir", str(REPO),
                           "--target-path", str(target), "--log-path", str(work / "logs" / "changed_rows")]
                    env = dict(os.environ, C2C_RAW_ROOT=str(raw), C2C_DUCKDB_PATH=str(db),
                               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
                    wall, peak = measure(cmd, env, work / "logs" / f"changed_rows_{run}_{len(rows)}.log")
                    elapsed, tests, count = timings(target / "run_results.json")
                    rows.append({"run": run, "kind": kind, "tests_on": label, "wall_s": round(wall, 1),
                                 "peak_rss_gb": round(peak / 1e9, 2), "dbt_elapsed_s": round(elapsed, 1),
                                 "test_node_s": round(tests, 1), "tests": count})
                    bar.write(f"  run {run}, {kind}, tests on {label}: {wall:.1f} s wall, dbt {elapsed:.1f} s, "
                              f"data tests {tests:.1f} node s ({count}), peak {peak / 1e9:.2f} GB")
                    bar.update(1)
    print(f"\n`dbt build --selector event_log`, {args.runs} runs, work folder {work}")
    for kind in ("no-op run", "incremental day"):
        for label, _ in VARIANTS:
            mine = [r for r in rows if r["kind"] == kind and r["tests_on"] == label]
            walls = ", ".join(str(r["wall_s"]) for r in mine)
            tests = ", ".join(str(r["test_node_s"]) for r in mine)
            print(f"  {kind:<16} tests on {label:<13} wall {walls} s; data tests {tests} node s")
    (work / "changed_rows_results.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {work / 'changed_rows_results.json'}")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    sys.exit(code)
