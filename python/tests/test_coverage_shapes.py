"""The contract shapes the simulator adds for coverage are handled by the models as decided:
interest notes are cases; open (planned) D365 calls, HighRadius activities other than calls, and
letters never posted are not events; bounced and pending HighRadius letters were sent.

Each check reads the raw landing zone (current state, as the contract resolves it) and the built
event log / cases, and compares them with the simulator's ground truth where it has one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from c2c.db import connect_built


def _raw_current(zone: Path, table: str, where: str) -> pd.DataFrame:
    return duckdb.sql(f"""
        select * from (
            select *, row_number() over (partition by recid order by versionnumber desc, sinkmodifiedon desc) as rn
            from read_parquet('{(zone / 'd365' / table).as_posix()}/*.parquet', union_by_name = true))
        where rn = 1 and coalesce(isdelete, 0) <> 1 and ({where})""").df()


def _hr(zone: Path, obj: str, where: str) -> pd.DataFrame:
    return duckdb.sql(f"""select * from read_csv('{(zone / 'highradius' / obj).as_posix()}/*.csv', header = true,
                          all_varchar = true, ignore_errors = true) where {where}""").df()


def _query(db: Path, sql: str) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(sql).df()


def test_interest_notes_are_cases_with_the_true_outcome(built_default, zone_default):
    raw = _raw_current(zone_default, "custinvoicejour", "refnum = 3 and invoiceamount > 0")
    assert len(raw) > 0, "the default simulation has interest notes"
    want = {f"{c.lower()}:{i}" for c, i in zip(raw["dataareaid"], raw["invoiceid"])}
    cases = _query(built_default, "select case_id, status from cases where invoice_origin = 'Interest'")
    assert set(cases["case_id"]) == want
    truth = pd.read_parquet(zone_default / "ground_truth" / "invoices.parquet")
    truth = truth.set_index("case_id")["status"]
    got = cases.set_index("case_id")["status"].replace({"written off": "written_off", "partially paid": "open",
                                                        "disputed": "open"})
    differing = [c for c in got.index if got[c] != truth[c]]
    assert not differing, f"interest notes whose status differs from the truth: {differing[:5]}"


def test_planned_d365_calls_are_not_events(built_default, zone_default):
    planned = _raw_current(zone_default, "smmactivities", "typeid = 'Call' and closed = 0")
    assert len(planned) > 0, "the default simulation has planned (open) calls"
    made = _query(built_default, "select source_record_id from event_log where source_table = 'smmactivities' "
                                 "and activity_code = 'COLLECTION_CALL_MADE'")
    assert made["source_record_id"].nunique() > 0
    assert not set(planned["recid"].astype(str)) & set(made["source_record_id"])


def test_highradius_activities_other_than_calls_are_not_events(built_default, zone_default):
    other = _hr(zone_default, "hr_collection_activity", "activity_type in ('TASK', 'ESCALATION', 'NOTE', 'EMAIL')")
    assert set(other["activity_type"]) == {"TASK", "ESCALATION", "NOTE", "EMAIL"}
    logged = _query(built_default, "select source_record_id from event_log where source_table = 'hr_collection_activity'")
    assert len(logged) > 0
    assert not set(other["activity_id"]) & set(logged["source_record_id"])


def test_bounced_and_pending_letters_were_sent(built_default, zone_default):
    odd = _hr(zone_default, "hr_correspondence", "delivery_status in ('BOUNCED', 'PENDING')")
    assert set(odd["delivery_status"]) == {"BOUNCED", "PENDING"}
    sent = set(_query(built_default, "select source_record_id from event_log where source_table = 'hr_correspondence'")
               ["source_record_id"])
    missing = sorted(set(odd["correspondence_id"]) - sent)
    assert not missing, f"bounced or pending letters that are no event: {missing[:5]}"


def test_letters_never_posted_are_not_events(built_default, zone_default):
    unposted = _raw_current(zone_default, "custcollectionletterjour", "status in (0, 3)")
    assert set(unposted["status"]) == {0, 3}
    letters = set(_query(built_default, "select source_record_id from event_log "
                                        "where source_table = 'custcollectionletterjour'")["source_record_id"])
    assert letters and not set(unposted["recid"].astype(str)) & letters


def test_a_credit_limit_workflow_approved_in_two_levels_is_decided_by_its_last_step(built_default, zone_default):
    steps = _raw_current(zone_default, "workflowtrackingtable", "trackingtype in (4, 19)")
    steps = steps.sort_values(["workflowtrackingstatustable", "createddatetime", "recid"])
    per_instance = steps.groupby("workflowtrackingstatustable")["recid"].transform("size")
    two_level = steps[per_instance > 1]
    assert len(two_level) > 0, "the default simulation has credit-limit workflows approved in two levels"
    last = two_level.groupby("workflowtrackingstatustable").tail(1)
    earlier = two_level.drop(last.index)
    decisions = _query(built_default, "select source_record_id, activity_code from event_log "
                                      "where source_table = 'workflowtrackingtable'")
    decided = set(decisions["source_record_id"])
    assert not set(earlier["recid"].astype(str)) & decided, "a first-level approval became a decision event"
    missing = set(last["recid"].astype(str)) - decided
    # a request followed by no invoice is in no case: its decision is no event either
    assert len(missing) < len(last), "no final step of a two-level workflow is a decision event"
    code = dict(zip(decisions["source_record_id"], decisions["activity_code"]))
    wrong = [r for r, t in zip(last["recid"].astype(str), last["trackingtype"])
             if r in code and code[r] != ("CREDIT_LIMIT_REJECTED" if t == 19 else "CREDIT_LIMIT_APPROVED")]
    assert not wrong, f"final steps with the wrong decision: {wrong[:5]}"
