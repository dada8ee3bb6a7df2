"""Mutation score of the tests: how many planted defects in the SQL models they catch.

    python -m c2c.bench.mutate [--mutants 100] [--seed 2026] [--work data/mutate] [--list]

1. A scratch copy of the dbt project is made in ``<work>/project`` (the models of the worktree
   are never changed) and the CI landing zone is simulated into ``<work>/raw`` when it is not
   there (800 invoices, seed 7, default faults: the zone of ``make dbt-test`` without the
   rows of a missing key or an unparseable value that ``--faults all`` adds, which take real
   invoices out of the ground-truth checks).
2. The baseline: ``dbt build --target ci`` of the whole project on it (data tests and unit
   tests), once; it must pass, and so must the ground-truth checks (``truth_checks``).
3. The mutants (``mutants``: comparison operators, and/or, dateadd day counts +/- 1, join types,
   coalesce defaults, dropped where terms) of the event-log, conformance, KPI and precursor
   models; a fixed seed draws the sample, as many from each family as from the others.
4. Per mutant, one after the other: the mutated model is written into the scratch project, the
   baseline database copied, and ``dbt build --select <model>+ --full-refresh`` rebuilds the
   mutated model and its descendants with their data tests and unit tests. A failing test or
   a model that fails at run time kills the mutant; when everything passes, the ground-truth
   checks run on the database, and a difference kills it. A mutant the database rejects (a
   parser or binder error) is not valid SQL and does not count.

The score is killed / (killed + survived): a survivor judged equivalent (a change nothing can
observe, listed with its reason in docs/testing.md, section "Equivalent mutants") is counted
apart, and the score counting it as a survivor is printed too. The result per model, the
surviving mutants (file, line, original -> mutated) and the time are printed and written to
``<work>/results.json``.
While the file named by C2C_MUTATE_WAIT_FILE exists the run pauses (between mutants, and its
dbt process is stopped until the file is gone): a way to lend the machine to something else.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .mutants import Mutant, find_mutants, sample
from .truth_checks import Truth, run_checks

REPO = Path(__file__).resolve().parents[3]
PROJECT_ITEMS = ("dbt_project.yml", "profiles.yml", "selectors.yml", "models", "macros", "tests", "seeds", "analyses")

# The models mutated, by family (globs relative to the project).
SCOPE = {
    "event log": ["models/intermediate/events/*.sql", "models/core/process_mining/event_log.sql",
                  "macros/event_log_landing_events.sql", "models/core/process_mining/cases.sql"],
    "conformance": ["models/core/collections/int_dunning_*.sql", "models/core/collections/int_conformance_*.sql",
                    "models/core/collections/fct_dunning_conformance.sql",
                    "models/marts/collections/fct_dunning_conformance_summary.sql"],
    "KPI": ["models/core/collections/int_ar_balances_monthly.sql", "models/core/collections/int_calendar_days.sql",
            "models/marts/collections/fct_ar_monthly.sql", "models/marts/collections/fct_invoice_cycle_times.sql",
            "models/marts/collections/fct_dunning_effectiveness.sql",
            "models/marts/collections/fct_collector_activity.sql"],
    "precursor": ["models/core/collections/fct_write_off_precursors.sql",
                  "models/marts/collections/fct_write_off_precursor_lift.sql"],
}
# The survivors judged equivalent, one line each (see load_equivalent).
EQUIVALENT_LIST = REPO / "docs" / "testing.md"
# Database errors that mean the mutated SQL is not valid (it never ran): not counted.
INVALID = ("Parser Error", "Binder Error", "Catalog Error", "Compilation Error", "Syntax error")


@dataclass
class Outcome:
    mutant: Mutant
    family: str
    status: str  # killed, survived, invalid
    killed_by: list[str] = field(default_factory=list)
    seconds: float = 0.0


def all_mutants(project: Path) -> dict[str, list[Mutant]]:
    """Every mutant of the models in scope, by family."""
    groups: dict[str, list[Mutant]] = {}
    for family, globs in SCOPE.items():
        files = sorted({p for g in globs for p in project.glob(g)})
        groups[family] = [m for p in files for m in find_mutants(p.relative_to(project).as_posix(), p.read_text())]
    return groups


def family_of(mutant: Mutant, groups: dict[str, list[Mutant]]) -> str:
    return next(f for f, ms in groups.items() if mutant in ms)


def wait_file_exists() -> bool:
    wait_file = os.environ.get("C2C_MUTATE_WAIT_FILE")
    return bool(wait_file) and Path(wait_file).exists()


def wait_if_asked() -> float:
    """Wait while the wait file exists; returns the seconds waited."""
    started = time.perf_counter()
    while wait_file_exists():
        time.sleep(5)
    return time.perf_counter() - started


class Runner:
    """dbt in the scratch project, always on the same database path (so that partial parsing
    keeps its parse from one run to the next)."""

    def __init__(self, work: Path, threads: int, timeout: float):
        self.work, self.project, self.timeout = work, work / "project", timeout
        self.db = work / "db" / "c2c.duckdb"
        self.baseline = work / "baseline.duckdb"
        self.logs = work / "logs"
        self.threads = threads
        self.paused_seconds = 0.0  # time spent waiting for the wait file to go
        bindir = Path(sys.executable).parent
        self.dbt, self.c2c = str(bindir / "dbt"), str(bindir / "c2c")
        self.env = dict(os.environ, C2C_RAW_ROOT=str(work / "raw"), C2C_DUCKDB_PATH=str(self.db),
                        DBT_SEND_ANONYMOUS_USAGE_STATS="false")

    def prepare(self, invoices: int, seed: int) -> None:
        shutil.rmtree(self.project, ignore_errors=True)
        self.project.mkdir(parents=True)
        for item in PROJECT_ITEMS:
            src = REPO / item
            if src.is_dir():
                shutil.copytree(src, self.project / item, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.exists():
                shutil.copy2(src, self.project / item)
        raw = self.work / "raw"
        if not (raw / "ground_truth" / "manifest.json").exists():
            shutil.rmtree(raw, ignore_errors=True)
            proc = subprocess.Popen([self.c2c, "simulate", "--invoices", str(invoices), "--seed", str(seed),
                                     "--out", str(raw), "--faults", "default", "--quiet"], env=self.env,
                                    start_new_session=True)
            if self._wait(proc) != 0:
                raise SystemExit(f"c2c simulate of the CI landing zone into {raw} failed")
        self.logs.mkdir(parents=True, exist_ok=True)

    def dbt_build(self, *select: str, log: Path) -> tuple[int | None, list[dict]]:
        """Run dbt build; (exit code or None on timeout, the results of run_results.json)."""
        results = self.project / "target" / "run_results.json"
        results.unlink(missing_ok=True)
        cmd = [self.dbt, "build", *select, "--target", "ci", "--threads", str(self.threads),
               "--profiles-dir", ".", "--project-dir", "."]
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=self.project, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            code = self._wait(proc)
        return code, (json.loads(results.read_text())["results"] if results.exists() else [])

    def _wait(self, proc: subprocess.Popen) -> int | None:
        """The exit code of proc, or None when it ran longer than the timeout. While the wait
        file exists, its process group is paused, and the pause does not count."""
        running, paused = 0.0, False
        while True:
            try:
                return proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            asked = wait_file_exists()
            if asked != paused:
                os.killpg(proc.pid, signal.SIGSTOP if asked else signal.SIGCONT)
                paused = asked
            running += 0 if paused else 1
            self.paused_seconds += 1 if paused else 0
            if running > self.timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return None

    def build_baseline(self) -> float:
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.db.unlink(missing_ok=True)
        started, paused = time.perf_counter(), self.paused_seconds
        code, _ = self.dbt_build(log=self.logs / "baseline.log")
        seconds = time.perf_counter() - started - (self.paused_seconds - paused)
        if code != 0:
            tail = (self.logs / "baseline.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"the baseline build failed; end of {self.logs / 'baseline.log'}:\n{tail}")
        shutil.copy(self.db, self.baseline)
        return seconds

    def run(self, mutant: Mutant, number: int, truth: Truth) -> tuple[str, list[str]]:
        """Build the mutant; (status, what killed it)."""
        path = self.project / mutant.path
        original = path.read_text()
        path.write_text(mutant.apply(original))
        try:
            shutil.copy(self.baseline, self.db)
            code, results = self.dbt_build("--select", f"{mutant.model}+", "--full-refresh",
                                           log=self.logs / f"mutant_{number:03d}.log")
        finally:
            path.write_text(original)
        if code is None:
            return "killed", [f"timeout after {self.timeout:.0f} s"]
        failed = [r for r in results if r["status"] in ("error", "fail")]
        messages = " ".join(str(r.get("message") or "") for r in failed)
        if code != 0 and (not results or any(text in messages for text in INVALID)):
            return "invalid", [_first_line(messages) or "dbt could not compile the project"]
        if failed:
            return "killed", [_node_name(r["unique_id"]) + ("" if r["status"] == "fail" else " (error)")
                              for r in failed]
        if code != 0:
            return "killed", [f"dbt exit code {code}"]
        differences = run_checks(self.db, truth)
        if differences:
            return "killed", [f"truth:{name}" for name in differences]
        return "survived", []


def _node_name(unique_id: str) -> str:
    """The name of a dbt node: a generic test's unique id ends in a hash, a singular test's not."""
    parts = unique_id.split(".")
    return parts[-2] if parts[0] == "test" and re.fullmatch(r"[0-9a-f]{10}", parts[-1]) else parts[-1]


def load_equivalent(path: Path = EQUIVALENT_LIST) -> dict[str, str]:
    """The surviving mutants judged equivalent (no observable difference), by key, with the
    reason: the lines "- `<key>`: <reason>" of the section "Equivalent mutants" of the file."""
    found, inside = {}, False
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.startswith("#"):
            inside = line.lstrip("#").strip().lower().startswith("equivalent mutants")
        elif inside and (m := re.match(r"- `([^`]+)`:\s*(.+)", line)):
            found[m.group(1)] = m.group(2)
    return found


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:160] if text.strip() else ""


def summary(outcomes: list[Outcome], seconds: float, baseline_seconds: float, equivalent: dict[str, str]) -> str:
    """The table per model, the score and the survivors. A survivor listed as equivalent is
    counted apart: no test can kill a mutant that changes nothing observable."""
    def status(o: Outcome) -> str:
        return "equivalent" if o.status == "survived" and o.mutant.key in equivalent else o.status

    states = ("killed", "survived", "equivalent", "invalid")
    lines = [f"{'family':<12} {'model':<42} {'mutants':>7} {'killed':>6} {'survived':>8} {'equivalent':>10} "
             f"{'invalid':>7}"]
    per = Counter((o.family, o.mutant.model, status(o)) for o in outcomes)
    for family, model in sorted({(o.family, o.mutant.model) for o in outcomes}):
        counts = [per[(family, model, st)] for st in states]
        lines.append(f"{family:<12} {model:<42} {sum(counts):>7} {counts[0]:>6} {counts[1]:>8} {counts[2]:>10} "
                     f"{counts[3]:>7}")
    total = Counter(status(o) for o in outcomes)
    killed, survived, equiv = total["killed"], total["survived"], total["equivalent"]
    score = killed / (killed + survived) if killed + survived else float("nan")
    raw = killed / (killed + survived + equiv) if killed + survived + equiv else float("nan")
    lines += ["", f"mutants {len(outcomes)}: killed {killed}, survived {survived}, equivalent {equiv}, "
                  f"invalid {total['invalid']}",
              f"score {score:.1%} (killed / (killed + survived); {raw:.1%} counting the equivalent ones as survivors)",
              f"time {seconds / 60:.1f} min (baseline build {baseline_seconds:.0f} s, "
              f"{(seconds - baseline_seconds) / max(len(outcomes), 1):.0f} s per mutant)"]
    for title, state in (("surviving mutants", "survived"), ("equivalent mutants (docs/testing.md)", "equivalent")):
        chosen = [o for o in outcomes if status(o) == state]
        if chosen:
            lines += ["", f"{title} (file:line operator original -> mutated):"]
            lines += [f"  {o.mutant.key}" for o in chosen]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m c2c.bench.mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=100, help="how many mutants to sample (default 100)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the sample (default 2026)")
    parser.add_argument("--work", type=Path, default=Path("data/mutate"), help="scratch folder")
    parser.add_argument("--invoices", type=int, default=800, help="invoices of the CI landing zone")
    parser.add_argument("--zone-seed", type=int, default=7, help="seed of the CI landing zone")
    parser.add_argument("--threads", type=int, default=2, help="dbt threads")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a mutant's build is stopped")
    parser.add_argument("--list", action="store_true", help="list the sampled mutants and stop")
    parser.add_argument("--keep-baseline", action="store_true",
                        help="reuse <work>/baseline.duckdb from an earlier run (only when no model changed since)")
    parser.add_argument("--only", help="run only the sampled mutants whose key contains this text")
    args = parser.parse_args(argv)

    groups = all_mutants(REPO)
    chosen = sample(groups, args.mutants, args.seed)
    if args.only:
        chosen = [m for m in chosen if args.only in m.key]
    print(f"{sum(map(len, groups.values()))} mutants in "
          f"{len({m.path for ms in groups.values() for m in ms})} models; {len(chosen)} sampled (seed {args.seed})")
    if args.list:
        for number, m in enumerate(chosen, 1):
            print(f"{number:3d} {family_of(m, groups):<12} {m.key}")
        return 0

    from tqdm import tqdm

    started = time.perf_counter()
    runner = Runner(args.work.resolve(), args.threads, args.timeout)
    runner.paused_seconds += wait_if_asked()
    runner.prepare(args.invoices, args.zone_seed)
    truth = Truth(runner.work / "raw")
    if args.keep_baseline and runner.baseline.exists():
        print(f"baseline: {runner.baseline} of an earlier run", flush=True)
        baseline_seconds = 0.0
    else:
        print("baseline: dbt build of the whole project on the CI landing zone ...", flush=True)
        baseline_seconds = runner.build_baseline()
    broken = run_checks(runner.baseline, truth)
    if broken:
        raise SystemExit(f"the ground-truth checks fail on the unmutated project: {broken}")

    equivalent = load_equivalent()
    outcomes: list[Outcome] = []
    bar = tqdm(chosen, unit="mutant", desc="mutants", dynamic_ncols=True)
    for number, mutant in enumerate(bar, 1):
        runner.paused_seconds += wait_if_asked()
        t0, paused = time.perf_counter(), runner.paused_seconds
        status, killed_by = runner.run(mutant, number, truth)
        outcome = Outcome(mutant, family_of(mutant, groups), status, killed_by,
                          time.perf_counter() - t0 - (runner.paused_seconds - paused))
        outcomes.append(outcome)
        shown = "equivalent" if status == "survived" and mutant.key in equivalent else status
        tqdm.write(f"{number:3d} {shown:<10} {mutant.key}" + (f"  [{', '.join(killed_by[:3])}]" if killed_by else ""))
        bar.set_postfix(killed=sum(o.status == "killed" for o in outcomes),
                        survived=sum(o.status == "survived" and o.mutant.key not in equivalent for o in outcomes))
    bar.close()
    seconds = time.perf_counter() - started - runner.paused_seconds
    text = summary(outcomes, seconds, baseline_seconds, equivalent)
    if runner.paused_seconds:
        text += f"\n(paused {runner.paused_seconds / 60:.1f} min for {os.environ['C2C_MUTATE_WAIT_FILE']}, not counted)"
    print("\n" + text)
    (runner.work / "results.json").write_text(json.dumps({
        "seed": args.seed, "mutants": len(outcomes), "seconds": round(seconds, 1),
        "baseline_seconds": round(baseline_seconds, 1), "paused_seconds": round(runner.paused_seconds, 1),
        "outcomes": [{**asdict(o.mutant), "family": o.family, "key": o.mutant.key,
                      "status": "equivalent" if o.status == "survived" and o.mutant.key in equivalent else o.status,
                      "killed_by": o.killed_by,
                      "seconds": round(o.seconds, 1)} for o in outcomes]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
