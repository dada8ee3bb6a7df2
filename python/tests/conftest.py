"""Shared fixtures: small simulated landing zones, written once per test session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from c2c.simulate import SimConfig, simulate

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def _zone(tmp_path_factory, name: str, **kw) -> Path:
    out = tmp_path_factory.mktemp(name) / "raw"
    simulate(SimConfig(**kw), out)
    return out


@pytest.fixture(scope="session")
def zone_default(tmp_path_factory) -> Path:
    """3,000 invoices over 24 months with the default landing-zone faults."""
    return _zone(tmp_path_factory, "default", invoices=3000, seed=11, faults="default")


@pytest.fixture(scope="session")
def zone_clean(tmp_path_factory) -> Path:
    """2,000 invoices, no landing-zone faults, a different window."""
    return _zone(tmp_path_factory, "clean", invoices=2000, seed=5, faults="none", start=date(2023, 7, 1), months=18)


def run_dbt(raw_root: Path, db_path: Path, *args: str, check: bool = True):
    """Run dbt on a landing zone into a DuckDB file of its own; returns the completed process."""
    import os
    import subprocess
    import sys

    db_path.parent.mkdir(parents=True, exist_ok=True)
    work = db_path.parent / f"dbt_{db_path.stem}"
    env = dict(os.environ, C2C_RAW_ROOT=str(raw_root), C2C_DUCKDB_PATH=str(db_path), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt), *args, "--target", "ci", "--profiles-dir", str(REPO), "--project-dir", str(REPO),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    return proc


@pytest.fixture(scope="session")
def built_default(zone_default, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("built_default") / "c2c.duckdb"
    run_dbt(zone_default, db, "build")
    return db


@pytest.fixture(scope="session")
def built_clean(zone_clean, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("built_clean") / "c2c.duckdb"
    run_dbt(zone_clean, db, "build")
    return db


@pytest.fixture(scope="session")
def zone_20k(tmp_path_factory) -> Path:
    """The default simulation of the README (20,000 invoices, seed 42, default faults): the
    ground-truth comparisons of outcomes, collectors, promises and conformance run on it."""
    return _zone(tmp_path_factory, "default20k", invoices=20_000, seed=42, faults="default")


@pytest.fixture(scope="session")
def built_20k(zone_20k, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("built_20k") / "c2c.duckdb"
    run_dbt(zone_20k, db, "build", "--exclude-resource-type", "unit_test")
    return db
