"""dbt unit tests hold under any project vars: each one pins the vars its expected rows depend on.

A user builds with ``--vars '{as_of_date: ...}'`` (the README tells them to) or other settings;
the unit tests run in that same ``dbt build`` and must not fail because of it.
"""

from __future__ import annotations

import shutil

from .conftest import run_dbt

# every var a model reads, set away from its default
NON_DEFAULT_VARS = (
    '{as_of_date: "2031-06-30", reporting_currency: "USD", pseudonymise: true, write_off_lift_min_group: 1, '
    'write_off_materiality: 0.9, temporal_profile_zeta: 1.5, temporal_profile_max_cases: 7, im_noise_threshold: 0.2}'
)


def test_unit_tests_pass_with_non_default_vars(built_default, zone_default, tmp_path):
    db = tmp_path / "c2c.duckdb"
    shutil.copy(built_default, db)
    proc = run_dbt(zone_default, db, "test", "--select", "test_type:unit", "--vars", NON_DEFAULT_VARS, check=False,
                   env={"C2C_PSEUDONYM_KEY": "k" * 40})  # pseudonymise: true needs a key (docs/privacy.md)
    assert proc.returncode == 0, f"unit tests failed under non-default vars:\n{proc.stdout[-4000:]}"
    assert "PASS=" in proc.stdout and " ERROR=0" in proc.stdout, proc.stdout[-2000:]
