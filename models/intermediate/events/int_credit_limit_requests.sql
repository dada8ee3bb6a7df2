-- grain: one row per credit-limit request attached to an invoice (source_table, source_record_id)
-- Each request with its decision, the case it belongs to and the record the decision was read
-- from: int_events__credit_limits turns it into events, and fct_credit_limit_decisions pairs a
-- request with its own decision through it. Credit-limit events belong to a customer. In the
-- flat log each request and its decision attach to the first invoice of the same company and
-- customer created at or after the request (DECISIONLOG.md); a request followed by no invoice
-- is in no case. A D365 request's decision is the last approval or rejection step of its
-- journal's workflow: a workflow with several approval levels decides when its last level acts,
-- and the earlier levels are no credit-limit decision. The first invoice is found by two
-- aggregations (the earliest creation time, then the smallest case id at that time) rather than
-- by ranking every request x invoice pair: the same invoice, without sorting those pairs.
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

hr_reviews as (

    select * from {{ ref('stg_highradius__hr_credit_review') }}

),

adjustment_lines as (

    select * from {{ ref('stg_d365__credmancreditlimitadjtrans') }}

),

adjustment_journals as (

    select * from {{ ref('stg_d365__credmancreditlimitadjtable') }}

),

workflow_instances as (

    select * from {{ ref('stg_d365__workflowtrackingstatustable') }}

),

workflow_steps as (

    select * from {{ ref('stg_d365__workflowtrackingtable') }}
    where tracking_type in ('approval', 'rejection')

),

journal_decisions as (

    -- every approval or rejection step of a journal's workflow, the last one first (by time,
    -- then by recid, so that two steps stamped at the same second give one answer)
    select
        workflow_instances.contextrecid as journal_recid,
        workflow_steps.source_record_id,
        workflow_steps.createddatetime,
        workflow_steps.tracking_type,
        workflow_steps.user_id,
        workflow_steps.trackingtype_name,
        row_number() over (
            partition by workflow_instances.contextrecid
            order by workflow_steps.createddatetime desc, workflow_steps.recid desc
        ) as step_from_last
    from workflow_instances
    inner join workflow_steps
        on workflow_instances.recid = workflow_steps.workflowtrackingstatustable
    where workflow_steps.createddatetime is not null

),

final_decisions as (

    select * from journal_decisions
    where step_from_last = 1

),

requests as (

    select
        hr_reviews.company_code,
        hr_reviews.customer_number as customer_id,
        hr_reviews.requested_at,
        'HIGHRADIUS' as collections_system,
        'highradius' as source_system,
        'hr_credit_review' as source_table,
        hr_reviews.source_record_id,
        hr_reviews.requested_by,
        hr_reviews.requested_limit,
        hr_reviews.currency,
        hr_reviews.decided_at,
        case
            when hr_reviews.decision in ('APPROVED', 'PARTIAL') then 'CREDIT_LIMIT_APPROVED'
            when hr_reviews.decision = 'REJECTED' then 'CREDIT_LIMIT_REJECTED'
        end as decision_code,
        hr_reviews.approver_id as decided_by,
        hr_reviews.source_record_id as decision_record_id,
        'hr_credit_review' as decision_table,
        hr_reviews.decision as decision_reason
    from hr_reviews
    where hr_reviews.requested_at is not null

    union all

    select
        adjustment_lines.company_code,
        adjustment_lines.custaccount as customer_id,
        adjustment_lines.createddatetime as requested_at,
        'D365' as collections_system,
        'd365' as source_system,
        'credmancreditlimitadjtrans' as source_table,
        adjustment_lines.source_record_id,
        adjustment_journals.createdby as requested_by,
        adjustment_lines.creditmaxnew as requested_limit,
        cast(null as {{ dbt.type_string() }}) as currency,
        final_decisions.createddatetime as decided_at,
        case final_decisions.tracking_type
            when 'approval' then 'CREDIT_LIMIT_APPROVED'
            when 'rejection' then 'CREDIT_LIMIT_REJECTED'
        end as decision_code,
        final_decisions.user_id as decided_by,
        final_decisions.source_record_id as decision_record_id,
        'workflowtrackingtable' as decision_table,
        final_decisions.trackingtype_name as decision_reason
    from adjustment_lines
    left join adjustment_journals
        on
            adjustment_lines.company_code = adjustment_journals.company_code
            and adjustment_lines.journalid = adjustment_journals.journalid
    left join final_decisions
        on adjustment_journals.recid = final_decisions.journal_recid
    where adjustment_lines.createddatetime is not null

),

candidates as (

    -- every invoice created at or after a request, of the request's company and customer
    select
        requests.source_table,
        requests.source_record_id,
        invoices.invoice_created_at
    from requests
    inner join invoices
        on
            requests.company_code = invoices.company_code
            and requests.customer_id = invoices.customer_id
            and requests.collections_system = invoices.collections_system
            and requests.requested_at <= invoices.invoice_created_at

),

first_invoice_times as (

    select
        source_table,
        source_record_id,
        min(invoice_created_at) as invoice_created_at
    from candidates
    group by source_table, source_record_id

),

first_invoices as (

    -- of several invoices created at that same time, the smallest case id
    select
        requests.source_table,
        requests.source_record_id,
        min(invoices.case_id) as case_id
    from requests
    inner join first_invoice_times
        on
            requests.source_table = first_invoice_times.source_table
            and requests.source_record_id = first_invoice_times.source_record_id
    inner join invoices
        on
            requests.company_code = invoices.company_code
            and requests.customer_id = invoices.customer_id
            and requests.collections_system = invoices.collections_system
            and first_invoice_times.invoice_created_at = invoices.invoice_created_at
    group by requests.source_table, requests.source_record_id

),

attached as (

    select
        requests.*,
        invoices.case_id,
        invoices.currency as invoice_currency
    from requests
    inner join first_invoices
        on
            requests.source_table = first_invoices.source_table
            and requests.source_record_id = first_invoices.source_record_id
    inner join invoices
        on first_invoices.case_id = invoices.case_id

),

final as (

    select
        case_id,
        source_system,
        source_table,
        source_record_id,
        requested_at,
        requested_by,
        requested_limit,
        decision_code,
        decided_at,
        decided_by,
        decision_table,
        decision_record_id,
        decision_reason,
        coalesce(currency, invoice_currency) as currency
    from attached

)

select * from final
