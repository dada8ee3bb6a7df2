-- grain: one row per credit-limit request or decision, attached to an invoice
-- Credit-limit events belong to a customer. In the flat log each request and its decision
-- attach to the first invoice of the same company and customer created at or after the
-- request (DECISIONLOG.md); a request followed by no invoice is in no case.
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
        workflow_steps.createddatetime as decided_at,
        case workflow_steps.tracking_type
            when 'approval' then 'CREDIT_LIMIT_APPROVED'
            when 'rejection' then 'CREDIT_LIMIT_REJECTED'
        end as decision_code,
        workflow_steps.user_id as decided_by,
        workflow_steps.source_record_id as decision_record_id,
        'workflowtrackingtable' as decision_table,
        workflow_steps.trackingtype_name as decision_reason
    from adjustment_lines
    left join adjustment_journals
        on
            adjustment_lines.company_code = adjustment_journals.company_code
            and adjustment_lines.journalid = adjustment_journals.journalid
    left join workflow_instances
        on adjustment_journals.recid = workflow_instances.contextrecid
    left join workflow_steps
        on workflow_instances.recid = workflow_steps.workflowtrackingstatustable
    where adjustment_lines.createddatetime is not null

),

candidates as (

    select
        requests.*,
        invoices.case_id,
        invoices.currency as invoice_currency,
        row_number() over (
            partition by requests.source_table, requests.source_record_id
            order by invoices.invoice_created_at, invoices.case_id
        ) as invoice_rank
    from requests
    inner join invoices
        on
            requests.company_code = invoices.company_code
            and requests.customer_id = invoices.customer_id
            and requests.collections_system = invoices.collections_system
            and requests.requested_at <= invoices.invoice_created_at

),

attached as (

    select * from candidates
    where invoice_rank = 1

),

requested as (

    select
        case_id,
        'CREDIT_LIMIT_REQUESTED' as activity_code,
        requested_at as event_timestamp,
        requested_by as resource,
        'collector' as resource_type,
        source_system,
        source_table,
        source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        requested_limit as amount,
        coalesce(currency, invoice_currency) as currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from attached

),

decided as (

    select
        case_id,
        decision_code as activity_code,
        decided_at as event_timestamp,
        decided_by as resource,
        'approver' as resource_type,
        source_system,
        decision_table as source_table,
        decision_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        requested_limit as amount,
        coalesce(currency, invoice_currency) as currency,
        decision_reason as reason_code
    from attached
    where decision_code is not null and decided_at is not null

)

select * from requested
union all
select * from decided
