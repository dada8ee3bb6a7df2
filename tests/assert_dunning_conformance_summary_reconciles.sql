{{ config(group='collections') }}
-- fct_dunning_conformance_summary adds up to fct_dunning_conformance: per rule and company,
-- the summary's invoices checked, violations, passes and not-applicable counts, summed over
-- its due months and collectors, equal the detail rows counted by status (no join to `cases`,
-- so a group lost or counted twice by the summary's join shows as a difference).
-- Fails with one row per rule and company whose counts differ or that is on one side only.

with detail as (
    select
        rule_id,
        company_code,
        count(*) as invoices_checked,
        sum(case when status = 'violation' then 1 else 0 end) as violations,
        sum(case when status = 'pass' then 1 else 0 end) as passes,
        sum(case when status = 'not_applicable' then 1 else 0 end) as not_applicable
    from {{ ref('fct_dunning_conformance') }}
    group by rule_id, company_code
),

summary as (
    select
        rule_id,
        company_code,
        sum(invoices_checked) as invoices_checked,
        sum(violations) as violations,
        sum(passes) as passes,
        sum(not_applicable) as not_applicable
    from {{ ref('fct_dunning_conformance_summary') }}
    group by rule_id, company_code
)

select
    detail.invoices_checked as detail_invoices_checked,
    summary.invoices_checked as summary_invoices_checked,
    detail.violations as detail_violations,
    summary.violations as summary_violations,
    detail.passes as detail_passes,
    summary.passes as summary_passes,
    detail.not_applicable as detail_not_applicable,
    summary.not_applicable as summary_not_applicable,
    coalesce(detail.rule_id, summary.rule_id) as rule_id,
    coalesce(detail.company_code, summary.company_code) as company_code
from detail
full outer join summary
    on
        detail.rule_id = summary.rule_id
        and detail.company_code = summary.company_code
where
    detail.rule_id is null
    or summary.rule_id is null
    or detail.invoices_checked <> summary.invoices_checked
    or detail.violations <> summary.violations
    or detail.passes <> summary.passes
    or detail.not_applicable <> summary.not_applicable
