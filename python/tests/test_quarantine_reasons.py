"""The landing zone CI builds (`make dbt-test`) meets every quarantine reason the staging models
know, and a zone without the optional enum table builds and decodes its enums as one with it.

The reasons are read from the models (the reason codes base models assign, and the quarantine's
own MALFORMED_ROW), the CI zone's parameters from the Makefile's dbt-test recipe: a new reason,
or a change of the CI zone, is covered without editing this file. Only the staging layer is
built (the reasons are all assigned there; the whole project is built on that zone by
`make dbt-test`)."""

from __future__ import annotations

import re
import shlex

import pytest

from c2c.db import connect_built
from c2c.simulate import SimConfig, simulate

from .conftest import REPO, _once, assert_quarantine_is_the_injected_faults, run_dbt

STAGING = REPO / "models" / "staging"
# the staging layer with its seeds, without the quality results and the loaded-log source
# (tests only where every model they read is selected)
STAGING_BUILD = ("build", "--select", "+path:models/staging",
                 "--exclude", "path:models/staging/quality", "path:models/staging/byo",
                 "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious")
ENUM_DECODED = ("custinvoicejour", "custinvoicetable", "custtrans", "custtable", "custcollectionletterjour",
                "custdisputehistory", "smmactivities", "ledgerjournaltable", "ledgerjournaltrans",
                "credmancreditlimitadjtable", "workflowtrackingtable")


def known_reasons() -> set[str]:
    """Every reason code a base model assigns (`then 'CODE'` in its quarantine_reason) and the
    quarantine's own (`'CODE' as reason_code`)."""
    codes = set()
    for path in (STAGING).rglob("base_*.sql"):
        codes |= set(re.findall(r"then\s+'([A-Z][A-Z_]{3,})'", path.read_text(encoding="utf-8")))
    codes |= set(re.findall(r"'([A-Z][A-Z_]{3,})' as reason_code", (STAGING / "quarantine.sql").read_text()))
    return codes


def ci_zone_config() -> SimConfig:
    """The simulation of the Makefile's dbt-test recipe."""
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\ndbt-test:", 1)[1].split("\n\n", 1)[0]
    line = next(ln for ln in recipe.splitlines() if "c2c simulate" in ln)
    args = shlex.split(line.split("c2c simulate", 1)[1])
    opts = dict(zip(args[::2], args[1::2]))
    return SimConfig(invoices=int(opts["--invoices"]), seed=int(opts["--seed"]), faults=opts["--faults"])


@pytest.fixture(scope="session")
def ci_staging(tmp_path_factory):
    def make(folder):
        simulate(ci_zone_config(), folder / "raw")
        run_dbt(folder / "raw", folder / "c2c.duckdb", *STAGING_BUILD)

    folder = _once(tmp_path_factory, "ci_staging", make)
    return folder / "raw", folder / "c2c.duckdb"


def test_known_reasons_are_read_from_the_models():
    assert {"MISSING_KEY", "UNPARSEABLE_VALUE", "ORPHAN_REFERENCE", "UNKNOWN_CURRENCY", "MALFORMED_ROW"} <= known_reasons()


def test_ci_build_meets_every_quarantine_reason(ci_staging):
    _, db = ci_staging
    with connect_built(db) as con:
        counts = dict(con.execute("select reason_code, count(*) from quarantine group by 1").fetchall())
    cfg = ci_zone_config()
    print(f"\nquarantine reasons in the CI build ({cfg.invoices} invoices, seed {cfg.seed}, faults {cfg.faults}):")
    for reason in sorted(known_reasons() | set(counts)):
        print(f"  {reason:<20} {counts.get(reason, 0)}")
    missing = sorted(r for r in known_reasons() if counts.get(r, 0) == 0)
    assert not missing, f"quarantine reasons the CI build never meets: {missing} (counts: {counts})"
    assert set(counts) <= known_reasons(), f"reasons not read from the models: {set(counts) - known_reasons()}"


def test_ci_build_quarantines_exactly_the_injected_faults(ci_staging):
    zone, db = ci_staging
    assert_quarantine_is_the_injected_faults(db, zone)


def test_a_zone_without_the_enum_table_builds_and_decodes_as_one_with_it(tmp_path):
    """The enum table (srsanalysisenums) is optional: without it the staging layer builds, its
    tests pass, and every D365 staging view decodes its enums (seed d365_enum_fallback) to the
    same rows as from the exported labels."""
    tables = {}
    for with_table in (True, False):
        folder = tmp_path / ("with" if with_table else "without")
        simulate(SimConfig(invoices=200, seed=3, months=3, faults="none", include_enum_table=with_table),
                 folder / "raw")
        assert (folder / "raw" / "d365" / "srsanalysisenums").exists() == with_table
        if with_table:  # the views and what they read
            run_dbt(folder / "raw", folder / "c2c.duckdb", "build", "--select",
                    *(f"+stg_d365__{t}" for t in ENUM_DECODED), "--exclude-resource-type", "test", "unit_test")
        else:  # the whole staging layer with its tests
            run_dbt(folder / "raw", folder / "c2c.duckdb", *STAGING_BUILD)
        with connect_built(folder / "c2c.duckdb") as con:
            tables[with_table] = {t: con.execute(f"select * from stg_d365__{t} order by all").fetchall()
                                  for t in ENUM_DECODED}
    for t in ENUM_DECODED:
        assert tables[True][t], f"stg_d365__{t} is empty"
        assert tables[False][t] == tables[True][t], f"stg_d365__{t} decodes differently without the enum table"
