"""Benchmark: what dbt itself costs for a selection's mix of nodes, with nothing in the nodes.

    python -m c2c.bench.dbt_floor [--work data/bench/floor] [--runs 3]

Writes a throw-away dbt project with the node mix of the event-log selection (by default 29
incremental models, 28 views, 15 tables, 5 seeds and 319 data tests; flags change the mix), every
model a one-row table, and runs ``dbt build`` on it (seeds excluded, they are loaded once first)
``--runs`` times with the machine's DuckDB, 2 threads, after one untimed build (so that every
timed run finds the tables there, as a daily run does). Prints the wall time of each run and
dbt's own elapsed time (``run_results.json``), and the peak memory: the floor below which no run
of a selection with that many nodes can go on this machine, whatever its models do (a daily
run's "fixed cost"). Wall times and peak memory by ``c2c.bench.dbt_build.measure``; nothing is
estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from .dbt_build import measure

TEST_KINDS = ("not_null", "unique", "accepted_values")


def write_project(root: Path, incremental: int, views: int, tables: int, seeds: int, tests: int) -> dict[str, int]:
    """A dbt project in ``root`` with the given numbers of nodes; returns the numbers written."""
    if min(incremental, views, tables, seeds, tests) < 0 or seeds < 1 or incremental < 1:
        raise ValueError("counts must not be negative, and at least one seed and one incremental model are needed")
    if views > incremental:
        raise ValueError("each view reads one incremental model: views <= incremental")
    if root.exists() and any(root.iterdir()):
        project = root / "dbt_project.yml"
        if not (project.is_file() and project.read_text().startswith("name: floor\n")):
            raise ValueError(f"{root} is not empty and holds no project of this benchmark: give an empty or new folder")
        shutil.rmtree(root)
    (root / "models").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "dbt_project.yml").write_text(
        "name: floor\nversion: '1.0'\nprofile: floor\nmodel-paths: [models]\nseed-paths: [seeds]\n")
    (root / "profiles.yml").write_text(
        "floor:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{root / 'floor.duckdb'}'\n      threads: 2\n")
    for i in range(seeds):
        (root / "seeds" / f"seed_{i}.csv").write_text("id,name\n1,a\n")
    models: list[str] = []
    for i in range(incremental):
        (root / "models" / f"base_{i}.sql").write_text(
            "{{ config(materialized='incremental', unique_key='id') }}\n"
            f"select id, name from {{{{ ref('seed_{i % seeds}') }}}}\n"
            "{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n")
        models.append(f"base_{i}")
    for i in range(views):
        (root / "models" / f"stg_{i}.sql").write_text(
            f"{{{{ config(materialized='view') }}}}\nselect id, name from {{{{ ref('base_{i}') }}}}\n")
        models.append(f"stg_{i}")
    upstream = [m for m in models if m.startswith("stg_")] or models
    for i in range(tables):
        parents = [upstream[(i * 3 + k) % len(upstream)] for k in range(3)]
        union = "\nunion all\n".join(f"select id, name from {{{{ ref('{p}') }}}}" for p in dict.fromkeys(parents))
        (root / "models" / f"int_{i}.sql").write_text(
            f"{{{{ config(materialized='table') }}}}\nselect distinct id, name from (\n{union}\n) as parents\n")
        models.append(f"int_{i}")
    # the data tests, spread over the models and their two columns; each holds on one-row tables
    per_model: dict[str, list[tuple[str, str]]] = {m: [] for m in models}
    for k in range(tests):
        model = models[k % len(models)]
        per_model[model].append((("id", "name")[(k // len(models)) % 2], TEST_KINDS[(k // (2 * len(models))) % 3]))
    lines = ["version: 2", "models:"]
    written = 0
    for model, model_tests in per_model.items():
        if not model_tests:
            continue
        lines += [f"  - name: {model}", "    columns:"]
        for column in ("id", "name"):
            kinds = [kind for col, kind in model_tests if col == column]
            if not kinds:
                continue
            lines += [f"      - name: {column}", "        data_tests:"]
            for n, kind in enumerate(kinds):
                # the same test twice on one column would be one node: later copies get a name
                name = [f"              name: {kind}_{model}_{column}_{n}"] if n >= len(TEST_KINDS) else []
                if kind == "accepted_values":
                    value = "1" if column == "id" else "'a'"
                    lines += ["          - accepted_values:", *name,
                              "              arguments:", f"                values: [{value}]"]
                elif name:
                    lines += [f"          - {kind}:", *name]
                else:
                    lines += [f"          - {kind}"]
                written += 1
    (root / "models" / "_models.yml").write_text("\n".join(lines) + "\n")
    return {"incremental": incremental, "view": views, "table": tables, "seed": seeds, "test": written}


def run_summary(run_results: Path) -> tuple[float, int]:
    """dbt's elapsed seconds and the number of nodes that passed (or warned), from a run_results.json."""
    results = json.loads(run_results.read_text())
    passed = sum(1 for node in results["results"] if node["status"] in ("success", "pass", "warn"))
    return results["elapsed_time"], passed


def run(root: Path, name: str, *args: str) -> tuple[float, int]:
    """dbt in ``root`` (its log in ``root/logs/<name>.log``); returns (wall seconds, peak RSS bytes)."""
    dbt = Path(sys.executable).parent / "dbt"
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return measure([str(dbt), *args, "--profiles-dir", str(root), "--project-dir", str(root)], env,
                   root / "logs" / f"{name}.log")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.dbt_floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("data/bench/floor"), help="folder for the project (replaced)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--incremental", type=int, default=29)
    parser.add_argument("--views", type=int, default=28)
    parser.add_argument("--tables", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tests", type=int, default=319)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    root = args.work.resolve()
    try:
        counts = write_project(root, args.incremental, args.views, args.tables, args.seeds, args.tests)
    except ValueError as exc:
        parser.error(str(exc))
    expected = counts["incremental"] + counts["view"] + counts["table"] + counts["test"]
    run(root, "seed", "seed")
    run(root, "warm-up", "build", "--exclude-resource-type", "seed")  # untimed: every timed run finds its tables
    print(f"dbt build of a project with nothing in its nodes: {counts}, 2 threads")
    runs = []
    for i in range(args.runs):
        wall, peak = run(root, f"run_{i + 1}", "build", "--exclude-resource-type", "seed")
        elapsed, passed = run_summary(root / "target" / "run_results.json")
        if passed != expected:
            raise SystemExit(f"dbt passed {passed} nodes, not the {expected} written (see {root / 'logs'})")
        runs.append({"wall_s": round(wall, 2), "dbt_elapsed_s": round(elapsed, 2), "peak_rss_gb": round(peak / 1e9, 2)})
        print(f"  run {i + 1}: {wall:.1f} s wall, dbt's elapsed {elapsed:.1f} s, peak {peak / 1e9:.2f} GB, "
              f"{passed} nodes passed")
    walls = [r["wall_s"] for r in runs]
    print(f"  range: {min(walls):.1f}-{max(walls):.1f} s wall")
    (root / "floor_results.json").write_text(json.dumps({"counts": counts, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
