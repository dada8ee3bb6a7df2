"""Dunning-policy conformance (fct_dunning_conformance) against the simulator's ground truth.

The simulated collectors follow the shipped policy except for the deviations injected on
purpose, which the ground truth lists (violations.parquet: one rule per invoice). The mart must
report exactly those: per rule, precision and recall 1.0.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from .conftest import run_dbt

from c2c.db import connect_built

RULES = [f"R0{i}" for i in range(1, 10)]


def _query(db: Path, sql: str) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(sql).df()


def _cases_unlike_the_truth(db: Path, zone: Path) -> set[str]:
    """Invoices whose events in event_log differ from the true ones (or that are missing): the
    invoices an injected landing-zone fault changed, whose conformance the truth cannot judge."""
    log = _query(db, "select case_id, activity_code, event_timestamp, activity_order, event_id from event_log")
    truth = pd.read_parquet(zone / "ground_truth" / "events.parquet")

    def sequences(df: pd.DataFrame, order: list[str]) -> pd.Series:
        df = df.sort_values(order).assign(ts=lambda d: pd.to_datetime(d["event_timestamp"]).dt.floor("s"))
        return df.groupby("case_id").apply(lambda g: list(zip(g["activity_code"], g["ts"])), include_groups=False)

    got = sequences(log, ["case_id", "event_timestamp", "activity_order", "event_id"])
    want = sequences(truth, ["case_id", "sequence"])
    both = want.index.intersection(got.index)
    differing = {c for c in both if got[c] != want[c]}
    return differing | set(want.index.difference(got.index))


def _confusion(db: Path, zone: Path, excluded: set[str] = frozenset()) -> pd.DataFrame:
    mart = _query(db, "select case_id, rule_id, status from fct_dunning_conformance")
    truth = pd.read_parquet(zone / "ground_truth" / "violations.parquet")
    mart = mart[~mart.case_id.isin(excluded)]
    truth = truth[~truth.case_id.isin(excluded)]
    reported = set(zip(mart.loc[mart.status == "violation", "case_id"], mart.loc[mart.status == "violation", "rule_id"]))
    injected = set(zip(truth.case_id, truth.rule_id))
    rows = []
    for rule in RULES:
        r = {c for c, x in reported if x == rule}
        i = {c for c, x in injected if x == rule}
        tp, fp, fn = len(r & i), len(r - i), len(i - r)
        rows.append({"rule_id": rule, "tp": tp, "fp": fp, "fn": fn,
                     "precision": tp / (tp + fp) if tp + fp else float("nan"),
                     "recall": tp / (tp + fn) if tp + fn else float("nan"),
                     "false_positives": sorted(r - i)[:5], "missed": sorted(i - r)[:5]})
    return pd.DataFrame(rows).set_index("rule_id")


def _assert_perfect(confusion: pd.DataFrame, label: str) -> None:
    print(f"\nconformance vs injected violations ({label}):\n{confusion[['tp', 'fp', 'fn', 'precision', 'recall']]}")
    assert (confusion.tp > 0).all(), f"every rule is injected at least once, yet some have no true positive:\n{confusion}"
    bad = confusion[(confusion.fp > 0) | (confusion.fn > 0)]
    assert bad.empty, f"precision or recall below 1.0 ({label}):\n{bad.to_string()}"


def _assert_as_of_matches(db: Path, zone: Path) -> None:
    manifest = json.loads((zone / "ground_truth" / "manifest.json").read_text())
    as_of = _query(db, "select distinct as_of_date from cases")
    assert len(as_of) == 1
    assert str(as_of.iloc[0, 0])[:10] == manifest["as_of_date"], "R09 must be judged on the truth's as-of date"


def test_conformance_equals_injected_violations_without_faults(built_clean, zone_clean):
    _assert_as_of_matches(built_clean, zone_clean)
    _assert_perfect(_confusion(built_clean, zone_clean), "clean landing zone")


def test_conformance_equals_injected_violations_with_default_faults(built_default, zone_default):
    _assert_as_of_matches(built_default, zone_default)
    excluded = _cases_unlike_the_truth(built_default, zone_default)
    invoices = len(pd.read_parquet(zone_default / "ground_truth" / "invoices.parquet"))
    print(f"\ninvoices whose events a fault changed (excluded): {len(excluded)} of {invoices}")
    assert len(excluded) <= 0.01 * invoices, "faults should touch few invoices; something else differs"
    _assert_perfect(_confusion(built_default, zone_default, excluded), f"default faults, {len(excluded)} invoices excluded")


def test_every_invoice_has_one_row_per_rule(built_default):
    # (that no invoice violates both R02 and R09 follows from the comparisons with the truth
    # above, which injects one rule per invoice: a second violation would be a false positive)
    mart = _query(built_default, "select case_id, rule_id, status from fct_dunning_conformance")
    cases = _query(built_default, "select case_id from cases")
    assert set(mart.case_id) == set(cases.case_id)
    assert (mart.groupby("case_id").rule_id.apply(lambda s: sorted(s) == RULES)).all()


def test_evidence_events_belong_to_the_invoice_and_prove_the_status(built_default):
    mart = _query(built_default, """
        select case_id, rule_id, status, evidence_event_ids, evidence_event_count
        from fct_dunning_conformance where status <> 'not_applicable'""")
    log = _query(built_default, "select event_id, case_id, activity_code, dunning_level from event_log").set_index("event_id")
    ids = mart.assign(event_id=mart.evidence_event_ids.str.split(",")).explode("event_id")
    assert (mart.evidence_event_ids.str.count(",") + 1 == mart.evidence_event_count).all()
    missing = ids[~ids.event_id.isin(log.index)]
    assert missing.empty, f"evidence ids not in event_log: {missing.head()}"
    ids = ids.merge(log, left_on="event_id", right_index=True, suffixes=("", "_log"))
    assert (ids.case_id == ids.case_id_log).all(), "evidence from another invoice"
    # what each violated rule's evidence must contain
    v = ids[ids.status == "violation"]
    has = v.groupby(["case_id", "rule_id"]).activity_code.agg(set)
    letters = has.apply(lambda s: any(a.startswith("DUNNING_LETTER_") for a in s))
    for rule in ["R01", "R02", "R03", "R04", "R05", "R06", "R07"]:
        assert letters.xs(rule, level="rule_id").all(), f"{rule} violation without a letter in its evidence"
    assert has.xs("R05", level="rule_id").apply(lambda s: "DISPUTE_OPENED" in s).all()
    assert has.xs("R06", level="rule_id").apply(lambda s: "INVOICE_SETTLED" in s).all()
    assert has.xs("R07", level="rule_id").apply(lambda s: "PROMISE_TO_PAY_MADE" in s).all()
    assert has.xs("R08", level="rule_id").apply(lambda s: "INVOICE_WRITTEN_OFF" in s).all()
    assert has.xs("R09", level="rule_id").apply(lambda s: not any(a.startswith("DUNNING_LETTER_") for a in s)).all()


def _first_letter_days(db: Path) -> pd.DataFrame:
    """Days from the due date to the first letter, per invoice, computed here from event_log and cases."""
    letters = _query(db, "select case_id, event_timestamp from event_log where dunning_level is not null")
    cases = _query(db, "select case_id, due_date from cases").set_index("case_id")
    first = letters.groupby("case_id").event_timestamp.min().dt.normalize()
    return (first - pd.to_datetime(cases.loc[first.index, "due_date"])).dt.days.rename("days").to_frame()


def test_a_changed_policy_changes_the_results(built_clean, zone_clean, tmp_path):
    """Users change the policy by editing the seed: here the loaded seed table is edited (first
    letter at most 10 days after due instead of 20) and the seed's descendants are rebuilt, as
    docs/conformance.md says (`dbt run` loads no seed, so the edit stays): the policy is read
    into int_dunning_policies_applied and int_dunning_letters_flagged, tables the mart reads."""
    db = tmp_path / "policy.duckdb"
    shutil.copy(built_clean, db)
    with connect_built(db, read_only=False) as con:
        changed = con.execute("update dunning_policy set max_days_after_due = 10 where dunning_level = 1").fetchone()[0]
    assert changed >= 1
    run_dbt(zone_clean, db, "run", "--select", "dunning_policy+")
    before = _query(built_clean, "select case_id, rule_id, status, expected_days from fct_dunning_conformance")
    after = _query(db, "select case_id, rule_id, status, expected_days from fct_dunning_conformance")
    days = _first_letter_days(db)
    late = set(days.index[days.days > 10])
    r02_after = set(after.case_id[(after.rule_id == "R02") & (after.status == "violation")])
    r02_before = set(before.case_id[(before.rule_id == "R02") & (before.status == "violation")])
    assert r02_after == late, "R02 under the edited policy: every first letter later than 10 days after due"
    assert r02_before == set(days.index[days.days > 20])
    assert len(r02_after) > len(r02_before)
    assert (after.loc[after.rule_id == "R02", "expected_days"].dropna() == 10).all()
    # rules the edit does not touch keep their results
    other = ~before.rule_id.isin(["R02", "R09"])
    pd.testing.assert_frame_equal(before[other].sort_values(["case_id", "rule_id"]).reset_index(drop=True),
                                  after[~after.rule_id.isin(["R02", "R09"])].sort_values(["case_id", "rule_id"]).reset_index(drop=True))


def test_auditor_query_lists_the_evidence_of_every_violation(built_clean, zone_clean, tmp_path):
    """analyses/dunning_violations_with_evidence.sql compiles for a rule and returns each violation's evidence."""
    rule = "R05"
    # the compiled SQL names the database after the file (c2c), as the built one is named
    proc = run_dbt(zone_clean, tmp_path / built_clean.name, "compile", "--select", "dunning_violations_with_evidence",
                   "--vars", f"{{rule: {rule}}}")
    target = tmp_path / f"dbt_{built_clean.stem}" / "target" / "compiled" / "credit_to_cash" / "analyses"
    sql = (target / "dunning_violations_with_evidence.sql").read_text()
    assert proc.returncode == 0
    rows = _query(built_clean, sql)
    mart = _query(built_clean, f"""select case_id, evidence_event_count from fct_dunning_conformance
                                   where rule_id = '{rule}' and status = 'violation'""")
    assert len(mart) > 0
    assert set(rows.case_id) == set(mart.case_id)
    assert len(rows) == mart.evidence_event_count.sum()
    assert (rows.rule_id == rule).all()
