"""Time `c2c report` on a built database: wall seconds, peak memory (RSS) and the file's size.

    python -m c2c.bench.report_bench --db data/bench/full.duckdb --out data/bench/report.html

Runs the command in a process of its own (so that the peak memory is the report's alone) a
given number of times and prints one line per run; the target on the 1,000,000-invoice build
is a report of at most 15 MB (docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from c2c.bench.dbt_build import measure

TARGET_BYTES = 15_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.report_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="built database")
    parser.add_argument("--out", type=Path, default=Path("data/bench/report.html"), help="report file to write")
    parser.add_argument("--language", choices=("en", "fr"), default="en")
    parser.add_argument("--runs", type=int, default=1, help="how many times to run it (default 1)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"report_bench: database {args.db}: no such file (make bench-dbt builds data/bench/full.duckdb)",
              file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "c2c.cli", "report", "--db", str(args.db.resolve()), "--out",
           str(args.out.resolve()), "--language", args.language]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                      env.get("PYTHONPATH")]))
    log = args.out.with_suffix(".log")
    for run in range(1, args.runs + 1):
        seconds, peak = measure(cmd, env, log)
        size = args.out.stat().st_size
        verdict = "within" if size <= TARGET_BYTES else "OVER"
        print(f"run {run}: c2c report {args.db} -> {args.out}: {seconds:.2f} s, peak RSS {peak / 2**20:.0f} MiB, "
              f"{size:,} bytes ({size / 1e6:.2f} MB, {verdict} the {TARGET_BYTES / 1e6:.0f} MB target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
