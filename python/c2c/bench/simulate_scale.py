"""Benchmark of the simulator's memory against the number of invoices.

    python -m c2c.bench.simulate_scale --invoices 1000000 [--invoices 3000000 ...]
        [--block-invoices 200000] [--seed 1] [--faults default] [--work data/bench/simulate_scale]

Runs ``c2c simulate`` once per size, each as a child process, and measures its wall time and
peak memory (maximum resident set size, from the operating system's accounting of that child):
with the zone simulated in blocks, the peak should stay that of one block whatever the size.
The figures are printed and written to ``<work>/results.json``; each zone is deleted once
measured (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from .dbt_build import measure


def _positive(text: str) -> int:
    value = int(text.replace("_", ""))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.simulate_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=_positive, action="append",
                        help="number of invoices of a zone to simulate (repeat for several sizes; default 1000000)")
    parser.add_argument("--block-invoices", type=_positive, default=200_000, help="block size (default 200000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", choices=("none", "default", "all", "heavy"), default="default")
    parser.add_argument("--work", type=Path, default=Path("data/bench/simulate_scale"),
                        help="folder for the zones and logs")
    parser.add_argument("--keep", action="store_true", help="keep the simulated zones")
    args = parser.parse_args(argv)
    sizes = args.invoices or [1_000_000]

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        zone = work / f"raw_{n}"
        cmd = [sys.executable, "-m", "c2c.cli", "simulate", "--quiet", "--invoices", str(n), "--seed", str(args.seed),
               "--faults", args.faults, "--block-invoices", str(args.block_invoices), "--out", str(zone)]
        wall, peak = measure(cmd, dict(os.environ), work / f"simulate_{n}.log")
        manifest = json.loads((zone / "ground_truth" / "manifest.json").read_text())
        zone_bytes = sum(p.stat().st_size for p in zone.rglob("*") if p.is_file())
        blocks = manifest["parameters"].get("blocks", 1)
        results.append({"invoices": n, "blocks": blocks, "seconds": round(wall, 1), "peak_rss_mb": round(peak / 2**20),
                        "events": manifest["counts"]["events"], "zone_bytes": zone_bytes})
        print(f"{n:>12,} invoices ({blocks} block{'s' if blocks > 1 else ''} of at most {args.block_invoices:,}): "
              f"{wall:,.1f} s, peak RSS {peak / 2**20:,.0f} MB, {manifest['counts']['events']:,} true events, "
              f"zone {zone_bytes / 2**20:,.0f} MB", flush=True)
        if not args.keep:
            shutil.rmtree(zone)
    summary = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.machine(),
               "cpus": os.cpu_count(), "python": platform.python_version(), "block_invoices": args.block_invoices,
               "seed": args.seed, "faults": args.faults, "runs": results}
    (work / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
