"""Dunning conformance: violations by rule x company x customer segment x collector, each rule's
text and the policy versions its verdicts used; per cell the invoices in violation (capped) with
their event trail and the evidence of the verdict.

Figures come from fct_dunning_conformance (one verdict per invoice and rule) joined to cases
(segment, collector), the seed dunning_rules and the seed dunning_policy. A cell lists at most
`cell_cap` invoices (lowest case ids first) and the count of all; at most `trail_budget`
invoices are listed in all (the cap shrinks to fit, and past one per cell only the cells with the
most violations keep a list); only those invoices' events are carried, so that the page stays
small on a large build."""

from __future__ import annotations

from ._sql import absent_note, missing, rows

CELL_CAP = 25
TRAIL_BUDGET = 4000  # invoices with a trail in the page, at most (the cap per cell shrinks to fit)

# The violations a cell lists: the first `cap` of the cell by case id, in the `cells` cells with
# the most violations (ties by rule, company, segment, collector); parameters: cells, cap.
DRILL = """with violations as (
        select f.rule_id, f.company_code, coalesce(c.customer_segment, '') as segment,
               coalesce(c.collector_id, '') as collector, f.case_id, f.invoice_id, f.policy_id,
               f.policy_version, f.policy_reference_date, f.expected_value, f.observed_value,
               f.expected_days, f.observed_days, f.deviation_days, f.evidence_event_ids
        from fct_dunning_conformance as f
        left join cases as c on c.case_id = f.case_id
        where f.status = 'violation'
    ),
    listed_cells as (
        select * from (
            select rule_id, company_code, segment, collector,
                   row_number() over (order by count(*) desc, rule_id, company_code, segment, collector) as cell_rank
            from violations group by rule_id, company_code, segment, collector
        ) as ranked_cells where cell_rank <= ?
    ),
    report_drill as (
        select * from (
            select v.*, row_number() over (partition by v.rule_id, v.company_code, v.segment, v.collector
                                           order by v.case_id) as position
            from violations as v
            join listed_cells as l on l.rule_id = v.rule_id and l.company_code = v.company_code
                and l.segment = v.segment and l.collector = v.collector
        ) as ranked where position <= ?
    )"""


def build(con, cell_cap: int = CELL_CAP, trail_budget: int = TRAIL_BUDGET) -> dict:
    absent = missing(con, "fct_dunning_conformance", "cases", "dunning_rules", "event_log")
    if absent:
        return {"notes": [absent_note(absent)]}
    rules = rows(con, "select rule_id, rule_name, judged_on, rule_description from dunning_rules order by rule_id")
    versions = rows(con, """
        select rule_id, policy_id, policy_version, count(*) as verdicts
        from fct_dunning_conformance where policy_id is not null
        group by rule_id, policy_id, policy_version order by rule_id, policy_id, policy_version""")
    for rule in rules:
        rule["policy_versions"] = [f"{v['policy_id']} v{v['policy_version']}" for v in versions
                                   if v["rule_id"] == rule["rule_id"]]
    policy = rows(con, """
        select policy_id, policy_version, company_code, customer_segment, valid_from, valid_to, dunning_level,
               min_days_after_due, max_days_after_due, min_days_since_previous, is_final_level,
               write_off_min_days_after_final
        from dunning_policy order by policy_id, policy_version, company_code, customer_segment, valid_from,
               dunning_level""") if not missing(con, "dunning_policy") else []
    grid = rows(con, """
        select f.rule_id, f.company_code, coalesce(c.customer_segment, '') as segment,
               coalesce(c.collector_id, '') as collector,
               count(*) as checked,
               sum(case when f.status = 'violation' then 1 else 0 end) as violations,
               sum(case when f.status = 'pass' then 1 else 0 end) as passes
        from fct_dunning_conformance as f
        left join cases as c on c.case_id = f.case_id
        group by f.rule_id, f.company_code, coalesce(c.customer_segment, ''), coalesce(c.collector_id, '')
        order by f.company_code, segment, collector, f.rule_id""")
    cells_with_violations = sum(1 for cell in grid if cell["violations"])
    cap = max(1, min(cell_cap, trail_budget // max(cells_with_violations, 1)))
    cells_listed = min(cells_with_violations, max(1, trail_budget // cap))
    drill = rows(con, f"""
        {DRILL}
        select rule_id, company_code, segment, collector, case_id, invoice_id, policy_id, policy_version,
               policy_reference_date, expected_value, observed_value, expected_days, observed_days, deviation_days,
               evidence_event_ids
        from report_drill order by rule_id, company_code, segment, collector, position""", [cells_listed, cap])
    events = rows(con, f"""
        {DRILL}
        select e.case_id, e.event_id, e.event_timestamp, e.activity_code, e.resource, e.source_system,
               e.dunning_level, e.amount, e.currency
        from event_log as e
        where e.case_id in (select case_id from report_drill)
        order by e.case_id, e.event_timestamp, e.activity_order, e.event_id""", [cells_listed, cap])
    trails: dict[str, list] = {}
    positions: dict[str, dict[str, int]] = {}
    for event in events:
        trail = trails.setdefault(event["case_id"], [])
        positions.setdefault(event["case_id"], {})[event["event_id"]] = len(trail)
        trail.append([event["event_timestamp"], event["activity_code"], event["resource"], event["source_system"],
                      event["dunning_level"], event["amount"], event["currency"]])
    cells: dict[str, list] = {}
    for row in drill:
        key = "|".join([row["rule_id"], row["company_code"], row["segment"], row["collector"]])
        ids = [i for i in (row.pop("evidence_event_ids") or "").replace(";", ",").split(",") if i.strip()]
        where = positions.get(row["case_id"], {})
        row["evidence"] = sorted(where[i.strip()] for i in ids if i.strip() in where)
        for name in ("rule_id", "company_code", "segment", "collector"):
            row.pop(name)
        cells.setdefault(key, []).append(row)
    notes = []
    if cells_listed < cells_with_violations:
        notes.append(f"{cells_with_violations:,} cells have violations: the {cells_listed:,} with the most list their "
                     f"invoices in the page (at most {trail_budget:,} invoices in all); the others show their count")
    # the grid as rows of values (the page names the columns): it is the largest part of a big build's page
    grid_columns = ["rule_id", "company_code", "segment", "collector", "checked", "violations", "passes"]
    return {"notes": notes, "rules": rules, "policy": policy, "grid_columns": grid_columns,
            "grid": [[cell[name] for name in grid_columns] for cell in grid], "cells": cells, "trails": trails,
            "cell_cap": cap, "cells_listed": cells_listed}
