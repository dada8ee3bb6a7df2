"""Benchmark of `c2c audit-pack` on a built database.

    python -m c2c.bench.audit_pack --db data/bench/full.duckdb [--work data/bench/audit_pack]

Runs ``c2c audit-pack`` as a child process (the default sample size and seed) and measures its
wall time and peak memory (maximum resident set size, from the operating system's accounting of
that child), then the pack's size: the folder's files and the zip. A second run checks that
the manifest is the same (the determinism the pack promises), untimed unless ``--runs`` says
otherwise. The figures are printed and written to ``<work>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from .dbt_build import measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.audit_pack", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("data/bench/full.duckdb"), help="built DuckDB file")
    parser.add_argument("--work", type=Path, default=Path("data/bench/audit_pack"), help="folder for the packs and logs")
    parser.add_argument("--runs", type=int, default=2, help="runs (each timed; the manifests must agree); default 2")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"--db: {args.db} does not exist (build it first, e.g. make bench-dbt)")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    c2c = str(Path(sys.executable).parent / "c2c")
    env = dict(os.environ)
    results = []
    manifests = []
    for run in range(1, args.runs + 1):
        out = work / f"run{run}" / "audit_pack"
        out.parent.mkdir(parents=True, exist_ok=True)
        wall, peak = measure([c2c, "audit-pack", "--db", str(args.db.resolve()), "--out", str(out), "--quiet"],
                             env, work / f"run{run}.log")
        manifest = json.loads((out / "manifest.json").read_text())
        manifests.append({k: v for k, v in manifest.items()})
        folder_bytes = sum(p.stat().st_size for p in out.iterdir())
        zip_bytes = Path(f"{out}.zip").stat().st_size
        rows = {f["file"]: f.get("rows") for f in manifest["files"] if "rows" in f}
        results.append({"run": run, "seconds": round(wall, 2), "peak_rss_mb": round(peak / 2**20, 1),
                        "folder_bytes": folder_bytes, "zip_bytes": zip_bytes, "rows": rows})
        print(f"run {run}: {wall:.2f} s, peak RSS {peak / 2**20:,.0f} MB, folder {folder_bytes / 2**20:,.2f} MB, "
              f"zip {zip_bytes / 2**20:,.2f} MB; violations {rows.get('violations.csv', 0):,}, "
              f"evidence events {rows.get('evidence_events.csv', 0):,}")
    identical = all(m == manifests[0] for m in manifests)
    print(f"manifests identical across runs: {identical}")
    summary = {"db": str(args.db.resolve()), "db_bytes": args.db.stat().st_size, "machine": platform.machine(),
               "cpus": os.cpu_count(), "python": platform.python_version(), "runs": results,
               "manifests_identical": identical}
    (work / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
