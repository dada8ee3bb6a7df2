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
