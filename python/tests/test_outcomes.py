"""How invoices end: the case outcome, partial write-offs and the materiality rule, against the
simulator's ground truth on the default 20,000-invoice simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.simulate.outcomes import WRITE_OFF_MATERIALITY, is_material

WRITE_OFF_EVENTS = ("INVOICE_PARTIALLY_WRITTEN_OFF", "INVOICE_WRITTEN_OFF", "INVOICE_SETTLED")
MODEL_TO_TRUTH = {"settled": "settled", "credited": "credited", "written off": "written_off"}


def _query(db: Path, sql: str) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(sql).df()


def test_materiality_boundary():
    amount = np.array([100_000, 100_000, 100_000, 99_999])
    written_off = np.array([50_000, 49_999, 50_001, 49_999])
    assert WRITE_OFF_MATERIALITY == 0.5
    assert is_material(written_off, amount).tolist() == [True, False, True, False]
    assert is_material(np.array([30_000]), np.array([100_000]), materiality=0.3).tolist() == [True]


def test_partial_write_off_then_settlement_fits_the_normative_model():
    from c2c.mining import variant_conformance

    from .test_mining import BASE, frames

    residual = (*BASE, "PAYMENT_RECEIVED", "PAYMENT_POSTED", "INVOICE_PARTIALLY_WRITTEN_OFF", "INVOICE_SETTLED")
    disputed = (*BASE, "DISPUTE_OPENED", "DISPUTE_RESOLVED", "INVOICE_PARTIALLY_WRITTEN_OFF", "DUE_DATE_PASSED",
                "PAYMENT_RECEIVED", "PAYMENT_POSTED", "INVOICE_SETTLED")
    after_close = (*BASE, "PAYMENT_RECEIVED", "PAYMENT_POSTED", "INVOICE_SETTLED", "INVOICE_PARTIALLY_WRITTEN_OFF")
    out = variant_conformance(*frames({"r": (residual, 5), "d": (disputed, 2), "x": (after_close, 1)}))
    fit = dict(zip(out["variant_activities"].str.split(" > ").str[-1], out["is_fit"]))
    assert fit == {"INVOICE_SETTLED": True, "INVOICE_PARTIALLY_WRITTEN_OFF": False}, out.to_dict("records")


def test_dbt_materiality_default_equals_the_simulator():
    import yaml

    project = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())
    assert project["vars"]["write_off_materiality"] == WRITE_OFF_MATERIALITY


def test_case_outcomes_match_the_truth_on_20k(built_20k, zone_20k):
    cases = _query(built_20k, "select case_id, status, written_off_amount, written_off_at from cases")
    cases = cases.set_index("case_id")
    truth = pd.read_parquet(zone_20k / "ground_truth" / "invoices.parquet").set_index("case_id")
    assert set(cases.index) == set(truth.index)
    truth = truth.loc[cases.index]
    got = cases["status"].map(MODEL_TO_TRUTH).fillna("open")
    wrong = got != truth["status"]
    assert not wrong.any(), (f"{wrong.sum()} outcomes differ:\n"
                             f"{pd.DataFrame({'model': cases.status[wrong], 'truth': truth.status[wrong]}).head(10)}")
    # every outcome occurs, and so does every settlement shape of the simulation
    assert set(truth["status"]) == {"settled", "credited", "written_off", "open"}
    assert np.allclose(cases["written_off_amount"].astype(float), truth["written_off_amount"].astype(float))
    assert (pd.to_datetime(cases["written_off_at"]).isna() == truth["written_off_at"].isna()).all()
    # a written-off case wrote off a material share; a settled one may carry a partial write-off
    wo = truth["status"] == "written_off"
    assert (truth.loc[wo, "written_off_amount"] >= WRITE_OFF_MATERIALITY * truth.loc[wo, "invoice_amount"]).all()
    assert ((truth["status"] == "settled") & (truth["written_off_amount"] > 0)).sum() > 0


def test_write_off_events_match_the_truth_on_20k(built_20k, zone_20k):
    codes = ", ".join(f"'{c}'" for c in WRITE_OFF_EVENTS)
    log = _query(built_20k, f"select case_id, activity_code, event_timestamp, amount from event_log "
                            f"where activity_code in ({codes})")
    truth = pd.read_parquet(zone_20k / "ground_truth" / "events.parquet")
    truth = truth[truth.activity_code.isin(WRITE_OFF_EVENTS)]

    def keyed(df: pd.DataFrame) -> set:
        return set(zip(df.case_id, df.activity_code, pd.to_datetime(df.event_timestamp).dt.floor("s")))

    got, want = keyed(log), keyed(truth)
    assert got - want == set(), f"not in the truth: {sorted(got - want)[:5]}"
    assert want - got == set(), f"missing from the event log: {sorted(want - got)[:5]}"
    partial = log[log.activity_code == "INVOICE_PARTIALLY_WRITTEN_OFF"]
    assert len(partial) > 0 and (partial["amount"].astype(float) > 0).all()
    # a partial write-off that closes the invoice is followed by its settlement; one that does
    # not is followed by a later settlement or nothing; never by INVOICE_WRITTEN_OFF
    both = set(partial.case_id) & set(log.case_id[log.activity_code == "INVOICE_WRITTEN_OFF"])
    assert both == set(), f"cases with both a partial and an outcome write-off: {sorted(both)[:5]}"


def test_each_outcome_shape_occurs_in_the_default_simulation(zone_20k):
    import json

    shapes = json.loads((zone_20k / "ground_truth" / "manifest.json").read_text())["outcome_shapes"]
    for shape in ("residual_write_off", "dispute_part_written_off", "general_journal_offsets", "outcome_credited",
                  "write_off_material", "write_off_partial_closing", "credit_note_settlements",
                  "write_off_after_partial_payment_material", "write_off_after_partial_payment_not_material",
                  "receipts_over_several_invoices", "partial_payments"):
        assert shapes[shape] > 0, f"the default simulation has no {shape}: {shapes}"


def test_dunning_effectiveness_counts_only_cash_on_20k(built_20k, zone_20k):
    """Letters after which the invoice was paid within 30 days, recounted from the truth: closed
    as settled with a cash receipt, within 30 x 24 h of the letter; credited, written-off and
    offset-only invoices are not paid."""
    truth = pd.read_parquet(zone_20k / "ground_truth" / "invoices.parquet")
    letters = _query(built_20k, """
        select e.case_id, e.company_code, e.event_timestamp as sent_at, c.as_of_date
        from event_log e join cases c using (case_id) where e.dunning_level is not null""")
    m = letters.merge(truth[["case_id", "status", "settled_at", "has_cash_receipt"]], on="case_id")
    sent = pd.to_datetime(m.sent_at)
    observed = (pd.to_datetime(m.as_of_date) - sent.dt.normalize()).dt.days >= 30
    settled = pd.to_datetime(m.settled_at)
    paid = (m.status == "settled") & m.has_cash_receipt & (settled >= sent) & (settled <= sent + pd.Timedelta(days=30))
    mart = _query(built_20k, "select sum(letters_paid_within_30_days) as n, sum(letters_observed_30_days) as o "
                             "from fct_dunning_effectiveness")
    assert int(mart.o.iloc[0]) == int(observed.sum())
    assert int(mart.n.iloc[0]) == int((paid & observed).sum())
    closed_otherwise = (m.status.isin(["credited", "written_off"]) | ~m.has_cash_receipt) & settled.notna() & observed
    assert closed_otherwise.sum() > 0, "no dunned invoice closed without cash: the check would not see the rule"
