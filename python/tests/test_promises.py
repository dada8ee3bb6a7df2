"""Promises to pay and disputes against the simulator's ground truth on the default 20,000-invoice
simulation: every promise's fate (kept, partially kept, broken, cancelled, open) and the end of
its interval, and the conformance verdicts of every rule against the independent policy oracle."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from .policy_oracle import evaluate
from .test_conformance import RULES, _cases_unlike_the_truth, _confusion

from c2c.db import connect_built

FATES = {"kept", "partially_kept", "broken", "cancelled", "open"}


def _query(db: Path, sql: str) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(sql).df()


def test_the_default_simulation_has_every_promise_and_dispute_shape(zone_20k):
    truth = pd.read_parquet(zone_20k / "ground_truth" / "promises.parquet")
    systems = pd.read_parquet(zone_20k / "ground_truth" / "invoices.parquet").assign(
        case_id=lambda d: d.company_code.str.lower() + ":" + d.invoice_id).set_index("case_id").collections_system
    truth["system"] = truth.case_id.map(systems)
    counts = truth.groupby(["system", "fate"]).size()
    print(f"\npromise fates:\n{counts}")
    assert set(truth.fate) == FATES
    for system in ("HIGHRADIUS", "D365"):
        fates = set(truth.loc[truth.system == system, "fate"])
        # D365 has no cancelled status: its cancelled promises are the ones a new promise replaced
        assert {"kept", "partially_kept", "broken", "cancelled"} <= fates, f"{system}: {fates}"
        several = truth[truth.system == system].groupby("case_id").size()
        assert (several > 1).sum() > 0, f"{system}: no invoice with a renegotiated promise"
    disputes = json.loads((zone_20k / "ground_truth" / "manifest.json").read_text())["promises_and_disputes"]
    assert set(disputes["dispute_final_statuses"]) == {"RESOLVED", "INVALID", "CLOSED", "OPEN"}
    assert set(disputes["dispute_resolution_types"]) == {"CREDIT_MEMO", "WRITE_OFF", "REPAID", "OFFSET", "VOID"}
    assert set(disputes["dispute_types"]) == {"DISPUTE", "DEDUCTION", "SHORT_PAY"}
    raw = duckdb.connect().execute(f"""
        select distinct status from read_csv('{(zone_20k / 'highradius' / 'hr_dispute_status_history').as_posix()}/*.csv',
                                             all_varchar = true, ignore_errors = true)""").df()
    assert {"OPEN", "IN_RESEARCH", "VALID", "INVALID", "RESOLVED", "CLOSED"} <= set(raw.status)


def test_every_promise_fate_in_the_marts_equals_the_truth(built_20k, zone_20k):
    """fct_promises_to_pay, promise by promise (HighRadius p2p_id, D365 recid of the status-2 row):
    the same fate and the same end, on every invoice whose events no landing-zone fault changed."""
    excluded = _cases_unlike_the_truth(built_20k, zone_20k)
    truth = pd.read_parquet(zone_20k / "ground_truth" / "promises.parquet")
    mart = _query(built_20k, """select case_id, source_record_id, outcome, promised_at, outcome_at
                                from fct_promises_to_pay""")
    truth = truth[~truth.case_id.isin(excluded)]
    mart = mart[~mart.case_id.isin(excluded)]
    j = truth.merge(mart, left_on=["case_id", "promise_source_id"], right_on=["case_id", "source_record_id"],
                    how="outer", indicator=True)
    assert (j._merge == "both").all(), f"promises on one side only:\n{j[j._merge != 'both'].head(10)}"
    wrong = j[j.fate != j.outcome]
    print(f"\n{len(j)} promises compared ({len(excluded)} invoices excluded), by fate:\n{j.fate.value_counts()}")
    assert wrong.empty, f"fates differ:\n{wrong.head(10).to_string()}"
    made = pd.to_datetime(j.made_at).dt.floor("s") == pd.to_datetime(j.promised_at).dt.floor("s")
    ended = (pd.to_datetime(j.ended_at).dt.floor("s") == pd.to_datetime(j.outcome_at).dt.floor("s")) | (
        j.ended_at.isna() & j.outcome_at.isna())
    assert made.all() and ended.all(), f"interval ends differ:\n{j[~(made & ended)].head(10).to_string()}"
    assert set(j.fate) == FATES


def test_conformance_on_20k_equals_the_policy_oracle_and_the_injected_violations(built_20k, zone_20k):
    """Per rule precision = recall = 1.0, against the oracle's reading of the true events and against
    the list of injected deviations, on the invoices whose events no landing-zone fault changed."""
    excluded = _cases_unlike_the_truth(built_20k, zone_20k)
    gt = zone_20k / "ground_truth"
    ev, inv = pd.read_parquet(gt / "events.parquet"), pd.read_parquet(gt / "invoices.parquet")
    as_of = json.loads((gt / "manifest.json").read_text())["as_of_date"]
    oracle = evaluate(ev, inv, as_of)
    oracle["case_id"] = oracle.company_code.str.lower() + ":" + oracle.invoice_id
    oracle = oracle[~oracle.case_id.isin(excluded)]
    mart = _query(built_20k, "select case_id, rule_id from fct_dunning_conformance where status = 'violation'")
    mart = mart[~mart.case_id.isin(excluded)]
    got, want = set(zip(mart.case_id, mart.rule_id)), set(zip(oracle.case_id, oracle.rule_id))
    rows = []
    for rule in RULES:
        g, w = {c for c, r in got if r == rule}, {c for c, r in want if r == rule}
        rows.append({"rule_id": rule, "tp": len(g & w), "fp": len(g - w), "fn": len(w - g),
                     "false_positives": sorted(g - w)[:5], "missed": sorted(w - g)[:5]})
    table = pd.DataFrame(rows).set_index("rule_id")
    print(f"\nconformance vs policy oracle (20,000 invoices, {len(excluded)} excluded):\n{table[['tp', 'fp', 'fn']]}")
    assert (table.tp > 0).all(), table
    assert ((table.fp == 0) & (table.fn == 0)).all(), table.to_string()
    injected = _confusion(built_20k, zone_20k, excluded)
    assert ((injected.fp == 0) & (injected.fn == 0) & (injected.tp > 0)).all(), injected.to_string()
