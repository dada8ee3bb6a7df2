-- fct_dunning_conformance_summary holds the counts of fct_dunning_conformance, group by group
-- (rule, company, and the invoice's due month and collector from `cases`; NULLs compared as
-- values). Fails with one row per group whose counts differ or that is only on one side.

with cases as (
    select
        case_id,
        coalesce(
            cast(cast({{ dbt.date_trunc('month', 'due_date') }} as date) as {{ dbt.type_string() }}), '-'
        ) as due_month_key,
        coalesce(collector_id, '-') as collector_key
    from {{ ref('cases') }}
),

detail as (
    select
        conformance.rule_id,
        conformance.company_code,
        cases.due_month_key,
        cases.collector_key,
        count(*) as invoices_checked,
        sum(case when conformance.status = 'violation' then 1 else 0 end) as violations,
        sum(case when conformance.status = 'pass' then 1 else 0 end) as passes,
        sum(case when conformance.status = 'not_applicable' then 1 else 0 end) as not_applicable
    from {{ ref('fct_dunning_conformance') }} as conformance
    left join cases
        on conformance.case_id = cases.case_id
    group by
        conformance.rule_id,
        conformance.company_code,
        cases.due_month_key,
        cases.collector_key
),

summary as (
    select
        rule_id,
        company_code,
        coalesce(cast(due_month as {{ dbt.type_string() }}), '-') as due_month_key,
        coalesce(collector_id, '-') as collector_key,
        invoices_checked,
        violations,
        passes,
        not_applicable
    from {{ ref('fct_dunning_conformance_summary') }}
)

select
    detail.invoices_checked as detail_invoices_checked,
    summary.invoices_checked as summary_invoices_checked,
    detail.violations as detail_violations,
    summary.violations as summary_violations,
    detail.passes as detail_passes,
    summary.passes as summary_passes,
    coalesce(detail.rule_id, summary.rule_id) as rule_id,
    coalesce(detail.company_code, summary.company_code) as company_code,
    coalesce(detail.due_month_key, summary.due_month_key) as due_month_key,
    coalesce(detail.collector_key, summary.collector_key) as collector_key
from detail
full outer join summary
    on
        detail.rule_id = summary.rule_id
        and detail.company_code = summary.company_code
        and detail.due_month_key = summary.due_month_key
        and detail.collector_key = summary.collector_key
where
    detail.rule_id is null
    or summary.rule_id is null
    or detail.invoices_checked <> summary.invoices_checked
    or detail.violations <> summary.violations
    or detail.passes <> summary.passes
    or detail.not_applicable <> summary.not_applicable
