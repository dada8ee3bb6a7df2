-- grain: one row per invoice written off without a final-level dunning letter
-- The invoices written off although no letter of the policy's final level was sent (rule R08
-- in violation with no final-level letter), with the amount lost, the customer, the highest
-- level that was sent and the collector. Invoices written off too soon after a final letter
-- are the other R08 violations: see dunning_violations_with_evidence with rule R08.

with conformance as (

    select * from {{ ref('fct_dunning_conformance') }}
    where rule_id = 'R08' and status = 'violation' and observed_days is null

),

cases as (

    select * from {{ ref('cases') }}

)

select
    conformance.case_id,
    conformance.company_code,
    conformance.invoice_id,
    cases.customer_id,
    cases.customer_name,
    cases.customer_segment,
    cases.collector_id,
    cases.due_date,
    cases.written_off_at,
    cases.max_dunning_level,
    conformance.expected_value,
    conformance.observed_value,
    conformance.policy_id,
    conformance.policy_version,
    conformance.evidence_event_ids,
    cases.currency,
    cases.invoice_amount,
    cases.invoice_amount_accounting,
    cases.accounting_currency
from conformance
inner join cases
    on conformance.case_id = cases.case_id
order by cases.written_off_at, conformance.case_id
