"""`dbt build` completes on the heavy fault profile: every injected fault is handled (quarantined
with its reason or corrected), no error-severity test fires, and the event log still equals the
ground truth. The default profile is built by the `built_default` and `built_20k` fixtures."""

from __future__ import annotations

import pytest

from c2c.simulate import SimConfig, simulate

from .conftest import assert_quarantine_is_the_injected_faults, run_dbt
from .test_event_log import _compare


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    zone = tmp_path_factory.mktemp("heavy") / "raw"
    simulate(SimConfig(invoices=2500, seed=31, faults="heavy"), zone)
    db = zone.parent / "c2c.duckdb"
    proc = run_dbt(zone, db, "build", "--exclude-resource-type", "unit_test", check=False)
    return zone, db, proc


def test_heavy_profile_builds_without_errors(heavy):
    _, _, proc = heavy
    assert proc.returncode == 0, f"dbt build failed on the heavy fault profile:\n{proc.stdout[-6000:]}"
    assert " ERROR=0 " in proc.stdout, proc.stdout[-2000:]


def test_heavy_profile_quarantines_exactly_the_injected_faults(heavy):
    zone, db, proc = heavy
    assert proc.returncode == 0
    want = assert_quarantine_is_the_injected_faults(db, zone)
    assert len(want) > 50, "the heavy profile injects many quarantine faults"


def test_heavy_profile_event_log_equals_the_truth(heavy):
    zone, db, proc = heavy
    assert proc.returncode == 0
    _compare(db, zone)
