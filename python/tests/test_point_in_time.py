"""Point in time: the write-off precursors use only what was known at their moment.

The landing zone is cut at a moment T (every row written after T removed, see
``c2c.landing_cut``) and both zones are built. For every invoice whose moment lies before T
(the invoice date for `at_invoicing` columns, the horizon date for `at_horizon` columns, per the
column's meta `point_in_time` in the model's YAML), the column must be identical in both
builds. A column without a tag fails the test, so a new feature is covered as soon as it is
added. A ground-truth test checks the credit limit at invoicing on the 20,000-invoice zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
import yaml

from c2c.db import connect_built
from c2c.landing_cut import cut_landing_zone
from c2c.simulate import SimConfig, simulate

from .conftest import REPO, run_dbt

MODEL = "fct_write_off_precursors"
YAML = REPO / "models" / "core" / "collections" / "_collections__core_models.yml"
TAGS = {"at_invoicing": "invoice_date", "at_horizon": "horizon_date"}
NOT_COMPARED = {"key", "outcome", "current"}
CUT = date(2025, 3, 1)  # the zone runs 2024-01-01 .. 2025-12-31


def point_in_time_tags(model: str = MODEL) -> dict[str, str | None]:
    spec = yaml.safe_load(YAML.read_text())
    (node,) = [m for m in spec["models"] if m["name"] == model]
    return {c["name"]: ((c.get("config") or {}).get("meta") or {}).get("point_in_time") for c in node["columns"]}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("point_in_time")
    full = root / "full" / "raw"
    simulate(SimConfig(invoices=800, seed=7, faults="default"), full)
    cut = root / "cut" / "raw"
    removed = cut_landing_zone(full, cut, datetime(CUT.year, CUT.month, CUT.day, tzinfo=timezone.utc))
    assert removed["d365.custinvoicejour"] > 0 and removed["highradius.hr_credit_review"] > 0
    out = []
    for name, zone in (("full", full), ("cut", cut)):
        db = root / name / "c2c.duckdb"
        run_dbt(zone, db, "build", "--select", f"+{MODEL}", "--exclude-resource-type", "test", "unit_test")
        out.append(db)
    return out[0], out[1]


def _table(db: Path) -> pd.DataFrame:
    con = connect_built(db)
    try:
        return con.execute(f"select * from {MODEL}").df()
    finally:
        con.close()


def test_every_column_has_a_point_in_time_tag(builds):
    tags = point_in_time_tags()
    built = list(_table(builds[0]).columns)
    untagged = [c for c in built if tags.get(c) is None]
    assert not untagged, f"columns of {MODEL} without meta point_in_time: {untagged}"
    unknown = {c: t for c, t in tags.items() if t not in set(TAGS) | NOT_COMPARED}
    assert not unknown, f"unknown point_in_time tags: {unknown}"


def compare_at_cut(full: pd.DataFrame, cut: pd.DataFrame, tags: dict[str, str | None]) -> dict[str, pd.DataFrame]:
    """Per tag, the rows (case_id, column, full value, cut value) that differ between the builds."""
    both = full.merge(cut, on="case_id", suffixes=("_full", "_cut"))
    diffs = {}
    for tag, moment in TAGS.items():
        cols = [c for c, t in tags.items() if t == tag]
        rows = both[pd.to_datetime(both[f"{moment}_cut"]) < pd.Timestamp(CUT)]
        assert len(rows) > 50, f"too few invoices before the cut for {tag}: {len(rows)}"
        out = []
        for c in cols:
            a, b = rows[f"{c}_full"], rows[f"{c}_cut"]
            if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
                same = (a.isna() & b.isna()) | ((a - b).abs() < 1e-6)
            else:
                same = (a.isna() & b.isna()) | (a.astype(str) == b.astype(str))
            bad = rows.loc[~same.to_numpy(), ["case_id"]].assign(column=c, full=a[~same].astype(str), cut=b[~same].astype(str))
            out.append(bad)
        diffs[tag] = pd.concat(out, ignore_index=True)
    return diffs


def test_features_are_identical_before_the_cut(builds):
    full, cut = _table(builds[0]), _table(builds[1])
    # invoices deleted in the source after the cut are in the cut build only: not compared
    diffs = compare_at_cut(full, cut, point_in_time_tags())
    for tag, bad in diffs.items():
        assert bad.empty, (
            f"{tag} columns differ between the full and the cut build for "
            f"{bad['case_id'].nunique()} invoices:\n{bad.groupby('column').size()}\n{bad.head(10)}")


def test_credit_limit_at_invoicing_matches_ground_truth(built_20k, zone_20k):
    truth = pd.read_parquet(zone_20k / "ground_truth" / "invoices.parquet")
    con = connect_built(built_20k)
    try:
        got = con.execute(f"select case_id, credit_limit_at_invoicing_accounting from {MODEL}").df()
    finally:
        con.close()
    both = truth.merge(got, on="case_id")
    assert len(both) >= 0.98 * len(truth)
    expected = both["credit_limit_at_invoicing"].astype(float)
    actual = both["credit_limit_at_invoicing_accounting"].astype(float)
    bad = both[~((expected - actual).abs() < 0.005)]
    assert bad.empty, f"{len(bad)} of {len(both)} invoices with a wrong credit limit at invoicing:\n" + \
        bad[["case_id", "invoice_date", "credit_limit_at_invoicing", "credit_limit_at_invoicing_accounting"]].head(10).to_string()
    # the history matters: the limit at invoicing differs from today's for many invoices
    assert (expected.groupby(both["customer_account"]).nunique() > 1).sum() > 50
