"""`dbt build` completes on the heavy fault profile: every injected fault is handled (quarantined
with its reason or corrected), no error-severity test fires, and the event log still equals the
ground truth. The default profile is built by the `built_default` and `built_20k` fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt
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
    with connect_built(db) as con:
        q = con.execute("select source_system, source_table, source_record_id, reason_code from quarantine").df()
    f = pd.read_parquet(zone / "ground_truth" / "faults.parquet")
    f = f[f.expected_handling == "quarantine"]
    want = set(zip(f.source_system, f.source_table, f.source_record_id, f.expected_reason_code))
    got = set(zip(q.source_system, q.source_table, q.source_record_id, q.reason_code))
    assert len(want) > 50, "the heavy profile injects many quarantine faults"
    assert got - want == set(), f"quarantined but not an injected fault: {sorted(got - want)[:10]}"
    assert want - got == set(), f"injected faults that did not reach the quarantine: {sorted(want - got)[:10]}"


def test_heavy_profile_event_log_equals_the_truth(heavy):
    zone, db, proc = heavy
    assert proc.returncode == 0
    _compare(db, zone)
