"""Collector attribution against the simulator's ground truth.

The simulator reassigns customers between collectors over time (portfolio moves,
reorganisations, leavers replaced by joiners), has AR managers post the write-offs and clerks
the payments, and records who owned each case at each event
(``ground_truth/event_collectors.parquet``) and each case's collector by the design rule
(``ground_truth/invoices.parquet``, column ``collector``).
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from c2c.db import connect_built


def _manifest(zone) -> dict:
    return json.loads((zone / "ground_truth" / "manifest.json").read_text())


def test_default_simulation_reassigns_collectors(zone_default):
    counts = _manifest(zone_default)["collectors"]
    assert counts["collector_reassignments"] > 0
    assert counts["collector_leavers"] > 0 and counts["collector_joiners"] == counts["collector_leavers"]
    assert counts["cases_with_collector_change_mid_case"] > 0
    assert counts["write_offs_posted_by_managers"] > 0
    truth = pd.read_parquet(zone_default / "ground_truth" / "invoices.parquet")
    assert truth["collector_changed_mid_case"].sum() == counts["cases_with_collector_change_mid_case"]
    # the customer master knows only today's collector: for some cases it is not the one who worked them
    con = duckdb.connect()
    hr_customer = con.execute(f"""
        select company_code, customer_number, collector_id
        from read_csv('{(zone_default / 'highradius' / 'hr_customer').as_posix()}/*.csv', header = true,
                      all_varchar = true, ignore_errors = true)""").df().drop_duplicates(
        ["company_code", "customer_number"], keep="last")
    hr_cases = truth[(truth["collections_system"] == "HIGHRADIUS") & truth["collector"].notna()].merge(
        hr_customer, left_on=["company_code", "customer_account"], right_on=["company_code", "customer_number"])
    assert len(hr_cases) > 0
    assert (hr_cases["collector"] != hr_cases["collector_id"]).sum() > 0


def test_case_collector_and_event_resources_match_the_truth(built_20k, zone_20k):
    truth_dir = (zone_20k / "ground_truth").as_posix()
    con = connect_built(built_20k)
    try:
        cases = con.execute(f"""
            select c.case_id, c.collector_id, t.collector, t.collector_changed_mid_case, c.current_collector_id
            from cases c
            full outer join read_parquet('{truth_dir}/invoices.parquet') t on c.case_id = t.case_id""").df()
        # one event of the log per true event: (case, activity, time) pairs them up; the few
        # keys that occur more than once (several receipts at one instant) are paired in order
        events = con.execute(f"""
            with log as (
                select case_id, activity_code, event_timestamp, resource, resource_type,
                       row_number() over (partition by case_id, activity_code, event_timestamp
                                          order by resource_type, resource) as k
                from event_log
            ),
            truth as (
                select case_id, activity_code, event_timestamp, done_by, owner_collector,
                       row_number() over (partition by case_id, activity_code, event_timestamp
                                          order by done_by, owner_collector) as k
                from read_parquet('{truth_dir}/event_collectors.parquet')
            )
            select log.*, truth.done_by, truth.owner_collector
            from log full outer join truth using (case_id, activity_code, event_timestamp, k)""").df()
    finally:
        con.close()

    assert cases["case_id"].notna().all() and len(cases) == 20_000
    wrong = cases[cases["collector_id"].fillna("<none>") != cases["collector"].fillna("<none>")]
    assert wrong.empty, f"{len(wrong)} cases with another collector than the truth:\n{wrong.head(10)}"
    # the shapes that make the rule matter are there
    assert cases["collector_changed_mid_case"].sum() > 100
    worked = cases[cases["collector"].notna() & cases["current_collector_id"].notna()]
    assert (worked["collector"] != worked["current_collector_id"]).sum() > 100

    assert events["done_by"].notna().all() and events["resource_type"].notna().all(), "unpaired events"
    is_coll_log = events["resource_type"] == "collector"
    is_coll_truth = events["done_by"] == "collector"
    assert (is_coll_log == is_coll_truth).all(), events[is_coll_log != is_coll_truth].head(10)
    coll = events[is_coll_truth]
    mismatched = coll[coll["resource"] != coll["owner_collector"]]
    assert mismatched.empty, f"{len(mismatched)} collector events not by the case's owner then:\n{mismatched.head(10)}"
    # every non-collector kind is what the truth says who did it
    assert (events["resource_type"] == events["done_by"]).all(), \
        events[events["resource_type"] != events["done_by"]].groupby(["resource_type", "done_by"]).size()
    # write-offs are posted by managers, never counted as a collector's
    wo = events[events["activity_code"] == "INVOICE_WRITTEN_OFF"]
    assert len(wo) > 0 and (wo["resource_type"] == "manager").all()
