-- grain: one row per promise to pay (promise_id = event_id of its Promise To Pay Made event)
-- A promise is a Promise To Pay Made event; its outcome is the Promise To Pay Kept or Broken
-- event paired with it in the macro paired_events (the first promise of a case with its first outcome,
-- and so on). No outcome yet: the promise is open.
with pairs as (

    {{ paired_events('promise', ['PROMISE_TO_PAY_MADE'], ['PROMISE_TO_PAY_KEPT', 'PROMISE_TO_PAY_BROKEN']) }}

),

cases as (

    select * from {{ ref('cases') }}

),

final as (

    select
        pairs.opening_event_id as promise_id,
        pairs.case_id,
        pairs.company_code,
        pairs.invoice_id,
        pairs.customer_id,
        cases.customer_segment,
        cases.collector_id,
        pairs.pair_number as promise_number,
        pairs.opening_source_system as source_system,
        pairs.opening_at as promised_at,
        pairs.opening_resource as promised_to,
        pairs.opening_amount as promised_amount,
        pairs.opening_currency as currency,
        pairs.closing_event_id as outcome_event_id,
        pairs.closing_at as outcome_at,
        case pairs.closing_activity_code
            when 'PROMISE_TO_PAY_KEPT' then 'kept'
            when 'PROMISE_TO_PAY_BROKEN' then 'broken'
            else 'open'
        end as outcome,
        pairs.closing_reason_code as outcome_reason_code,
        coalesce(pairs.closing_activity_code = 'PROMISE_TO_PAY_KEPT', false) as is_kept,
        cast(
            {{ seconds_between('pairs.opening_at', 'pairs.closing_at') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as days_to_outcome,
        cast(
            pairs.closing_business_day_number - pairs.opening_business_day_number as {{ dbt.type_int() }}
        ) as business_days_to_outcome,
        cases.settled_at as invoice_settled_at
    from pairs
    inner join cases
        on pairs.case_id = cases.case_id

)

select * from final
