-- grain: one row per credit-limit request or decision, attached to an invoice
-- The events of int_credit_limit_requests: each request (Credit Limit Requested) and, once it
-- has a decision with a time, its decision (Credit Limit Approved or Rejected).
with requests as (

    select * from {{ ref('int_credit_limit_requests') }}

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
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from requests

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
        currency,
        decision_reason as reason_code
    from requests
    where decision_code is not null and decided_at is not null

)

select * from requested
union all
select * from decided
