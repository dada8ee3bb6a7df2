"""Shared fixtures: small simulated landing zones and their dbt builds, made once per test run.

Under pytest-xdist (`make pytest` runs two workers) the session fixtures are made once for all
workers: the first worker that needs one makes it in the folder of the run while holding a
lock, the others wait for it and reuse it. Tests only read them (DuckDB files are opened
read-only; a test that changes a database changes a copy)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from c2c.simulate import SimConfig, simulate

REPO = Path(__file__).resolve().parents[2]
# the shared design folder beside the project (maintainers' machines and CI); C2C_SHARED_DIR
# points elsewhere (the test of the CI rule below uses it to make it absent)
SHARED = Path(os.environ.get("C2C_SHARED_DIR") or REPO.parent / "shared")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require_input(path: Path, what: str) -> Path:
    """path, which a test reads: skipped with the reason where it is absent, a failure under
    CI=true, where every input must be there."""
    if not path.exists():
        if in_ci():
            pytest.fail(f"{what} is missing: {path} (under CI=true every input must be present; nothing skips)")
        pytest.skip(f"{what} is absent: {path}")
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a test never skips: whatever the reason (a missing input, a skip mark), the
    skip is reported as a failure with that reason, so that no check can silently stop running."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where nothing may skip: {reason}"

# dbt's parsed project (partial_parse.msgpack), kept per set of parse inputs; see run_dbt.
_PARSE_CACHE: Path | None = None


def _run_root(tmp_path_factory) -> Path:
    """The folder of this test run that every xdist worker sees (each worker has its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(path: Path):
    """An exclusive lock between the processes of the run (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # no xdist workers to share with there
        yield
        return
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _once(tmp_path_factory, name: str, make) -> Path:
    """The folder `name` of the run, filled by make(folder) by the first worker that asks for it."""
    folder = _run_root(tmp_path_factory) / "session" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _locked(folder.parent / f"{name}.lock"):
        if not (folder.parent / f"{name}.done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder.parent / f"{name}.done").touch()
    return folder


@pytest.fixture(scope="session", autouse=True)
def _dbt_parse_cache(tmp_path_factory):
    global _PARSE_CACHE
    _PARSE_CACHE = _run_root(tmp_path_factory) / "dbt_parse_cache"
    _PARSE_CACHE.mkdir(parents=True, exist_ok=True)
    yield
    _PARSE_CACHE = None


def _zone(tmp_path_factory, name: str, **kw) -> Path:
    return _once(tmp_path_factory, name, lambda folder: simulate(SimConfig(**kw), folder / "raw")) / "raw"


@pytest.fixture(scope="session")
def zone_default(tmp_path_factory) -> Path:
    """3,000 invoices over 24 months with the default landing-zone faults."""
    return _zone(tmp_path_factory, "default", invoices=3000, seed=11, faults="default")


@pytest.fixture(scope="session")
def zone_clean(tmp_path_factory) -> Path:
    """2,000 invoices, no landing-zone faults, a different window."""
    return _zone(tmp_path_factory, "clean", invoices=2000, seed=5, faults="none", start=date(2023, 7, 1), months=18)


def _raw_link(raw_root: Path, cwd: Path) -> str:
    """The landing zone as dbt is told it: `raw` relative to cwd where possible (cwd/raw is the
    zone or is made a link to it), else its absolute path."""
    link = cwd / "raw"
    if link.is_symlink() and link.resolve() != raw_root.resolve():
        link.unlink()
    if not link.exists() and not link.is_symlink():
        link.symlink_to(raw_root.resolve(), target_is_directory=True)
    return "raw" if link.resolve() == raw_root.resolve() else str(raw_root.resolve())


def parse_cache_file(db_name: str = "c2c.duckdb", raw: str = "raw", var_flags: list[str] = ()) -> Path | None:
    """Where the parsed project of dbt runs with these inputs is kept: besides the project files,
    the parse depends on the database name (the profile), the landing-zone path and the vars
    given on the command line."""
    if _PARSE_CACHE is None:
        return None
    return _PARSE_CACHE / (hashlib.sha256(repr((db_name, raw, list(var_flags))).encode()).hexdigest()[:16] + ".msgpack")


def run_dbt(raw_root: Path, db_path: Path, *args: str, check: bool = True, write_json: bool = False,
            log_file: bool = False, env: dict | None = None):
    """Run dbt on a landing zone into a DuckDB file of its own; returns the completed process.

    dbt keeps its target and log folders in dbt_<database name>/ next to the database. It runs
    in the database's folder and is given both paths relative to it (C2C_DUCKDB_PATH=c2c.duckdb,
    C2C_RAW_ROOT=raw), so that what it parses does not depend on where the files are: the
    parsed project of an earlier run with the same database name and arguments is reused
    (partial parsing, which still re-reads every project file and re-parses what changed)
    instead of parsing the whole project again on every run. It writes no log file (log_file=True:
    the debug log in dbt_<name>/logs). The JSON artefacts (manifest.json, run_results.json) are
    written only with write_json=True. env: extra environment variables."""
    cwd = db_path.parent
    cwd.mkdir(parents=True, exist_ok=True)
    work = cwd / f"dbt_{db_path.stem}"
    raw = _raw_link(raw_root, cwd)
    env = dict(os.environ, **(env or {}), C2C_RAW_ROOT=raw, C2C_DUCKDB_PATH=db_path.name,
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt), *args, "--target", "ci", "--profiles-dir", str(REPO), "--project-dir", str(REPO),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
           # no debug log file: writing it costs about a tenth of a build's CPU; what failed is
           # in the output shown on failure
           "--log-level-file", "debug" if log_file else "none",
           *([] if write_json else ["--no-write-json"])]
    cached = parse_cache_file(db_path.name, raw, [a for i, a in enumerate(args)
                                                  if a == "--vars" or (i and args[i - 1] == "--vars")])
    saved = work / "target" / "partial_parse.msgpack"
    if cached and cached.exists() and not saved.exists():
        saved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(cached, saved)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if cached and not cached.exists() and proc.returncode == 0 and saved.exists():
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copy(saved, tmp)
        tmp.replace(cached)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    return proc


def _built(tmp_path_factory, name: str, zone: Path, *args: str, write_json: bool = False) -> Path:
    return _once(tmp_path_factory, name,
                 lambda folder: run_dbt(zone, folder / "c2c.duckdb", *args, write_json=write_json)) / "c2c.duckdb"


# The builds of the session zones leave the dbt unit tests out: they check the SQL on fixed
# fixtures, whatever the landing zone, and run in `make dbt-test` (the whole project on the CI
# landing zone) and in test_unit_tests_vars.py (under non-default vars). Every data test runs.

@pytest.fixture(scope="session")
def built_default(zone_default, tmp_path_factory) -> Path:
    """The default landing zone built; its target folder keeps manifest.json (test_documentation)."""
    return _built(tmp_path_factory, "built_default", zone_default, "build", "--exclude-resource-type", "unit_test",
                  write_json=True)


@pytest.fixture(scope="session")
def built_clean(zone_clean, tmp_path_factory) -> Path:
    return _built(tmp_path_factory, "built_clean", zone_clean, "build", "--exclude-resource-type", "unit_test")


@pytest.fixture(scope="session")
def zone_20k(tmp_path_factory) -> Path:
    """The default simulation of the README (20,000 invoices, seed 42, default faults): the
    ground-truth comparisons of outcomes, collectors, promises and conformance run on it."""
    return _zone(tmp_path_factory, "default20k", invoices=20_000, seed=42, faults="default")


@pytest.fixture(scope="session")
def built_20k(zone_20k, tmp_path_factory) -> Path:
    return _built(tmp_path_factory, "built_20k", zone_20k, "build", "--exclude-resource-type", "unit_test")


def assert_quarantine_is_the_injected_faults(db_path: Path, zone: Path) -> set[tuple]:
    """The quarantine of a built zone holds exactly the faults the simulator injected for it
    (system, table, record id, reason); returns the injected ones."""
    import pandas as pd

    from c2c.db import connect_built

    with connect_built(db_path) as con:
        q = con.execute("select source_system, source_table, source_record_id, reason_code from quarantine").df()
    f = pd.read_parquet(zone / "ground_truth" / "faults.parquet")
    f = f[f.expected_handling == "quarantine"]
    want = set(zip(f.source_system, f.source_table, f.source_record_id, f.expected_reason_code))
    got = set(zip(q.source_system, q.source_table, q.source_record_id, q.reason_code))
    assert got - want == set(), f"quarantined but not an injected fault: {sorted(got - want)[:10]}"
    assert want - got == set(), f"injected faults that did not reach the quarantine: {sorted(want - got)[:10]}"
    return want
