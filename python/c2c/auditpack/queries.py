"""The parts of the audit pack, each one SQL query over the built database with a full ORDER BY.

Each part becomes a CSV file (DuckDB COPY, every row) and a sheet of the workbook. The queries
read the marts and core tables through a connection from ``c2c.db.connect_built``; the
evidence of a violation is joined in SQL (event_log, the policy version applied), never row
by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One part of the pack: its file stem, sheet name, what it holds, its columns and its query."""

    name: str
    sheet: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (column, meaning)
    sql: str

    @property
    def csv(self) -> str:
        return f"{self.name}.csv"


# The policy rows of the version each verdict applied: the version chosen for the invoice's
# company, segment and judged date (int_dunning_policies_applied), all its levels, as one text.
_POLICY_ROWS_TEXT = """
    string_agg(
        'level ' || cast(p.dunning_level as varchar)
        || ': min_days_after_due=' || coalesce(cast(p.min_days_after_due as varchar), '')
        || ', max_days_after_due=' || coalesce(cast(p.max_days_after_due as varchar), '')
        || ', min_days_since_previous=' || coalesce(cast(p.min_days_since_previous as varchar), '')
        || ', is_final_level=' || coalesce(cast(p.is_final_level as varchar), '')
        || ', write_off_min_days_after_final=' || coalesce(cast(p.write_off_min_days_after_final as varchar), ''),
        '; ' order by p.dunning_level)
"""

_VIOLATIONS = f"""
with violations as (
    select * from fct_dunning_conformance where status = 'violation'
),
applied as (
    select
        v.case_id,
        v.rule_id,
        v.policy_id,
        v.policy_version,
        a.policy_company_code,
        a.policy_customer_segment,
        a.policy_valid_from
    from violations as v
    inner join cases as c on v.case_id = c.case_id
    inner join int_dunning_policies_applied as a
        on a.policy_company_key = upper(trim(c.company_code))
        and a.policy_segment_key = coalesce(lower(trim(c.customer_segment)), '')
        and a.reference_date = v.policy_reference_date
        and a.policy_id = v.policy_id
        and a.policy_version = v.policy_version
),
policy_text as (
    select
        applied.case_id,
        applied.rule_id,
        {_POLICY_ROWS_TEXT} as policy_rows
    from applied
    inner join dunning_policy as p
        on p.policy_id = applied.policy_id
        and p.policy_version = applied.policy_version
        and p.company_code = applied.policy_company_code
        and p.customer_segment = applied.policy_customer_segment
        and p.valid_from = applied.policy_valid_from
    group by applied.case_id, applied.rule_id
),
evidence as (
    select
        ev.case_id,
        ev.rule_id,
        string_agg(
            strftime(e.event_timestamp, '%Y-%m-%d %H:%M:%S') || ' ' || e.activity_code
            || coalesce(' level ' || cast(e.dunning_level as varchar), '')
            || ' (' || e.event_id || ')',
            ' | ' order by e.event_timestamp, e.activity_order, e.event_id) as evidence_events,
        count(e.event_id) as evidence_events_found
    from (
        select case_id, rule_id, trim(unnest(string_split(evidence_event_ids, ','))) as event_id
        from violations
    ) as ev
    inner join event_log as e on e.event_id = ev.event_id and e.case_id = ev.case_id
    group by ev.case_id, ev.rule_id
)
select
    v.case_id,
    v.rule_id,
    r.rule_name,
    r.rule_description,
    v.company_code,
    v.invoice_id,
    c.customer_id,
    c.customer_segment,
    c.collector_id,
    c.due_date,
    c.as_of_date,
    v.status,
    v.policy_id,
    v.policy_version,
    v.policy_reference_date,
    a.policy_company_code,
    a.policy_customer_segment,
    a.policy_valid_from,
    pt.policy_rows,
    v.expected_value,
    v.observed_value,
    v.expected_days,
    v.observed_days,
    v.deviation_days,
    v.evidence_event_count,
    v.evidence_event_ids,
    ev.evidence_events
from violations as v
inner join cases as c on v.case_id = c.case_id
left join dunning_rules as r on v.rule_id = r.rule_id
left join applied as a on v.case_id = a.case_id and v.rule_id = a.rule_id
left join policy_text as pt on v.case_id = pt.case_id and v.rule_id = pt.rule_id
left join evidence as ev on v.case_id = ev.case_id and v.rule_id = ev.rule_id
order by v.case_id, v.rule_id
"""

_EVIDENCE_EVENTS = """
with ev as (
    select case_id, rule_id, trim(unnest(string_split(evidence_event_ids, ','))) as event_id
    from fct_dunning_conformance
    where status = 'violation'
)
select
    ev.case_id,
    ev.rule_id,
    e.event_id,
    e.event_timestamp,
    e.activity_code,
    e.activity,
    e.activity_fr,
    e.dunning_level,
    e.resource,
    e.resource_type,
    e.amount,
    e.currency,
    e.reason_code,
    e.source_system,
    e.source_table,
    e.source_record_id
from ev
inner join event_log as e on e.event_id = ev.event_id and e.case_id = ev.case_id
order by ev.case_id, ev.rule_id, e.event_timestamp, e.activity_order, e.event_id
"""

_TRAIL_COLUMNS = """
    e.event_id,
    e.event_timestamp,
    e.activity_code,
    e.activity,
    e.activity_fr,
    e.activity_order,
    e.dunning_level,
    e.resource,
    e.resource_type,
    e.amount,
    e.currency,
    e.reason_code,
    e.source_system,
    e.source_table,
    e.source_record_id
"""

# The sample: per group (violating: at least one violation; conforming: no violation and at least
# one pass) the invoices with the smallest md5('<seed>:<case_id>'), so the same seed gives the same
# invoices on the same build whatever the row order, and another seed other invoices.
_SAMPLE_CASES = """
with verdicts as (
    select
        case_id,
        sum(case when status = 'violation' then 1 else 0 end) as rules_violated,
        sum(case when status = 'pass' then 1 else 0 end) as rules_passed,
        string_agg(case when status = 'violation' then rule_id end, ',' order by rule_id) as violated_rules
    from fct_dunning_conformance
    group by case_id
),
grouped as (
    select
        case when rules_violated > 0 then 'violating' else 'conforming' end as sample_group,
        md5(cast($seed as varchar) || ':' || case_id) as sample_key,
        *
    from verdicts
    where rules_violated > 0 or rules_passed > 0
),
ranked as (
    select
        *,
        row_number() over (partition by sample_group order by sample_key, case_id) as sample_rank
    from grouped
)
select
    r.sample_group,
    r.sample_rank,
    r.sample_key,
    r.case_id,
    c.company_code,
    c.invoice_id,
    c.customer_id,
    c.customer_segment,
    c.collector_id,
    c.invoice_date,
    c.due_date,
    c.status as invoice_status,
    c.invoice_amount,
    c.currency,
    r.rules_passed,
    r.rules_violated,
    r.violated_rules
from ranked as r
inner join cases as c on r.case_id = c.case_id
where r.sample_rank <= $size
"""

RUN_METADATA_COLUMNS = (("key", "what is recorded (run stamp field, package version or pack parameter)"),
                        ("value", "its value"))


def parts() -> tuple[Part, ...]:
    """The parts of the pack in the order of the workbook's sheets (run_metadata is written apart)."""
    return (
        Part("rules", "rules", "The dunning rules judged (seed dunning_rules)", (
            ("rule_id", "rule id, R01-R09, as in fct_dunning_conformance"),
            ("rule_name", "short name"),
            ("judged_on", "the date whose policy version applies (first letter, later letter, write-off, due date)"),
            ("rule_description", "the rule's text"),
            ("violations", "verdicts with status violation"),
            ("passes", "verdicts with status pass"),
            ("not_applicable", "verdicts with status not_applicable"),
        ), """
            select r.rule_id, r.rule_name, r.judged_on, r.rule_description,
                   count(case when f.status = 'violation' then 1 end) as violations,
                   count(case when f.status = 'pass' then 1 end) as passes,
                   count(case when f.status = 'not_applicable' then 1 end) as not_applicable
            from dunning_rules as r
            left join fct_dunning_conformance as f on f.rule_id = r.rule_id
            group by r.rule_id, r.rule_name, r.judged_on, r.rule_description
            order by r.rule_id
        """),
        Part("policy", "policy", "Every row of the dunning policy (seed dunning_policy), with how often it was applied", (
            ("policy_id", "policy"),
            ("policy_version", "version"),
            ("company_code", "company the row applies to (* any)"),
            ("customer_segment", "customer segment it applies to (* any)"),
            ("valid_from", "first day the version is valid"),
            ("valid_to", "last day it is valid"),
            ("dunning_level", "dunning level of the row"),
            ("min_days_after_due", "first level: earliest first letter, days after the due date"),
            ("max_days_after_due", "first level: latest first letter, days after the due date"),
            ("min_days_since_previous", "minimum days since the previous letter"),
            ("is_final_level", "the final level before a write-off"),
            ("write_off_min_days_after_final", "waiting days after the final level before a write-off"),
            ("verdicts_applied", "verdicts (fct_dunning_conformance rows) judged with this policy version"),
        ), """
            with applied as (
                select policy_id, policy_version, count(*) as verdicts_applied
                from fct_dunning_conformance
                where policy_id is not null
                group by policy_id, policy_version
            )
            select p.policy_id, p.policy_version, p.company_code, p.customer_segment, p.valid_from, p.valid_to,
                   p.dunning_level, p.min_days_after_due, p.max_days_after_due, p.min_days_since_previous,
                   p.is_final_level, p.write_off_min_days_after_final,
                   coalesce(a.verdicts_applied, 0) as verdicts_applied
            from dunning_policy as p
            left join applied as a on p.policy_id = a.policy_id and p.policy_version = a.policy_version
            order by p.policy_id, p.policy_version, p.company_code, p.customer_segment, p.valid_from, p.dunning_level
        """),
        Part("population", "population", "The population: invoices per company and month of invoice date", (
            ("company_code", "company"),
            ("period", "month of the invoice date, YYYY-MM"),
            ("invoices", "invoices (cases)"),
            ("invoice_amount_accounting", "their amount in the company's accounting currency"),
            ("accounting_currency", "that currency"),
            ("invoices_judged", "invoices with at least one rule that applies (pass or violation)"),
            ("invoices_with_violation", "invoices with at least one violation"),
            ("violations", "violations (invoice x rule)"),
            ("passes", "passes (invoice x rule)"),
        ), """
            with verdicts as (
                select case_id,
                       count(case when status = 'violation' then 1 end) as violations,
                       count(case when status = 'pass' then 1 end) as passes
                from fct_dunning_conformance
                group by case_id
            )
            select c.company_code, strftime(c.invoice_date, '%Y-%m') as period, count(*) as invoices,
                   sum(c.invoice_amount_accounting) as invoice_amount_accounting,
                   min(c.accounting_currency) as accounting_currency,
                   count(case when v.violations + v.passes > 0 then 1 end) as invoices_judged,
                   count(case when v.violations > 0 then 1 end) as invoices_with_violation,
                   coalesce(sum(v.violations), 0) as violations,
                   coalesce(sum(v.passes), 0) as passes
            from cases as c
            left join verdicts as v on c.case_id = v.case_id
            group by c.company_code, strftime(c.invoice_date, '%Y-%m')
            order by c.company_code, period
        """),
        Part("violations", "violations", "Every violation (fct_dunning_conformance, status violation) with its evidence", (
            ("case_id", "the invoice, <company>:<invoice id> (key with rule_id, as in fct_dunning_conformance)"),
            ("rule_id", "the rule broken"),
            ("rule_name", "its name"),
            ("rule_description", "its text"),
            ("company_code", "company"),
            ("invoice_id", "invoice"),
            ("customer_id", "customer account"),
            ("customer_segment", "customer segment"),
            ("collector_id", "collector of the case"),
            ("due_date", "due date"),
            ("as_of_date", "as-of date of the verdict"),
            ("status", "violation"),
            ("policy_id", "policy applied"),
            ("policy_version", "its version"),
            ("policy_reference_date", "the date the version was chosen for"),
            ("policy_company_code", "company of the policy rows applied (* any)"),
            ("policy_customer_segment", "segment of the policy rows applied (* any)"),
            ("policy_valid_from", "valid_from of the policy rows applied"),
            ("policy_rows", "the policy rows applied, every level, as text"),
            ("expected_value", "what the policy expected"),
            ("observed_value", "what happened"),
            ("expected_days", "the limit in days, where the rule has one"),
            ("observed_days", "the days observed against it"),
            ("deviation_days", "by how many days the limit was missed"),
            ("evidence_event_count", "number of evidence events"),
            ("evidence_event_ids", "their event_id values, in event order"),
            ("evidence_events", "each evidence event: timestamp (UTC), activity code, level, event_id"),
        ), _VIOLATIONS),
        Part("evidence_events", "evidence_events", "The evidence events of every violation, one row each", (
            ("case_id", "the invoice"),
            ("rule_id", "the rule broken"),
            ("event_id", "event (event_log.event_id)"),
            ("event_timestamp", "when, UTC"),
            ("activity_code", "activity code"),
            ("activity", "activity, English label"),
            ("activity_fr", "activity, French label"),
            ("dunning_level", "dunning level of a letter"),
            ("resource", "who"),
            ("resource_type", "what they are (collector, clerk, approver, manager, system)"),
            ("amount", "amount, where the event has one"),
            ("currency", "its currency"),
            ("reason_code", "reason or outcome, where the source gives one"),
            ("source_system", "source system (d365, highradius, derived)"),
            ("source_table", "raw table of the record"),
            ("source_record_id", "id of the raw record"),
        ), _EVIDENCE_EVENTS),
        Part("sample", "sample", "A seeded sample of conforming and violating invoices", (
            ("sample_group", "violating (at least one violation) or conforming (no violation, at least one pass)"),
            ("sample_rank", "rank in its group (1 = smallest sample_key)"),
            ("sample_key", "md5('<seed>:<case_id>'): the sample is the smallest keys of each group"),
            ("case_id", "the invoice"),
            ("company_code", "company"),
            ("invoice_id", "invoice"),
            ("customer_id", "customer account"),
            ("customer_segment", "customer segment"),
            ("collector_id", "collector of the case"),
            ("invoice_date", "invoice date"),
            ("due_date", "due date"),
            ("invoice_status", "status as of the as-of date"),
            ("invoice_amount", "amount in the invoice currency"),
            ("currency", "invoice currency"),
            ("rules_passed", "rules passed"),
            ("rules_violated", "rules violated"),
            ("violated_rules", "their ids"),
        ), _SAMPLE_CASES + "order by r.sample_group, r.sample_rank"),
        Part("sample_trails", "sample_trails", "The full event trail of every sampled invoice", (
            ("sample_group", "the invoice's sample group"),
            ("sample_rank", "its rank in the group"),
            ("case_id", "the invoice"),
            ("event_id", "event"),
            ("event_timestamp", "when, UTC"),
            ("activity_code", "activity code"),
            ("activity", "activity, English label"),
            ("activity_fr", "activity, French label"),
            ("activity_order", "catalogue order (tie-breaker at equal times)"),
            ("dunning_level", "dunning level of a letter"),
            ("resource", "who"),
            ("resource_type", "what they are"),
            ("amount", "amount, where the event has one"),
            ("currency", "its currency"),
            ("reason_code", "reason or outcome"),
            ("source_system", "source system"),
            ("source_table", "raw table"),
            ("source_record_id", "id of the raw record"),
        ), f"""
            with sample as ({_SAMPLE_CASES})
            select s.sample_group, s.sample_rank, s.case_id, {_TRAIL_COLUMNS}
            from sample as s
            inner join event_log as e on e.case_id = s.case_id
            order by s.sample_group, s.sample_rank, e.event_timestamp, e.activity_order, e.event_id
        """),
        Part("reconciliation", "reconciliation", "raw rows = staged + quarantined + superseded, per raw table", (
            ("source_system", "d365 or highradius"),
            ("source_table", "raw table or object"),
            ("raw_rows", "rows read from the landing zone"),
            ("staged_rows", "rows staged (usable)"),
            ("quarantined_rows", "rows set aside with a reason (quarantine)"),
            ("superseded_rows", "older change versions and deletions"),
            ("malformed_lines", "malformed CSV lines (not rows; quarantine reason MALFORMED_ROW)"),
            ("is_reconciled", "raw_rows = staged_rows + quarantined_rows + superseded_rows"),
        ), """
            select source_system, source_table, raw_rows, staged_rows, quarantined_rows, superseded_rows,
                   malformed_lines, is_reconciled
            from raw_reconciliation
            order by source_system, source_table
        """),
        Part("quarantine_reasons", "quarantine_reasons", "Quarantined records per raw table and reason", (
            ("source_system", "d365 or highradius"),
            ("source_table", "raw table or object"),
            ("reason_code", "quarantine reason"),
            ("records", "records quarantined for it"),
        ), """
            select source_system, source_table, reason_code, count(*) as records
            from quarantine
            group by source_system, source_table, reason_code
            order by source_system, source_table, reason_code
        """),
    )


REQUIRED_TABLES = ("fct_dunning_conformance", "cases", "event_log", "dunning_rules", "dunning_policy",
                   "int_dunning_policies_applied", "raw_reconciliation", "quarantine", "run_stamp")
