-- grain: one row per promise to pay (promise_id = event_id of its Promise To Pay Made event)
-- A promise is a Promise To Pay Made event; it ends with its own Kept, Broken or Cancelled event,
-- paired in the macro paired_events by source record (HighRadius p2p_id; D365 the invoice's next
-- dispute-status change). No end yet: the promise is open. A broken promise with receipts of
-- the invoice between the promise and its end was kept in part (partially_kept).
with pairs as (

    {{ paired_events(
        'promise',
        ['PROMISE_TO_PAY_MADE'],
        ['PROMISE_TO_PAY_KEPT', 'PROMISE_TO_PAY_BROKEN', 'PROMISE_TO_PAY_CANCELLED'],
        pair_by_record=true
    ) }}

),

cases as (

    select * from {{ ref('cases') }}

),

receipts as (

    select
        case_id,
        event_timestamp,
        amount
    from {{ ref('event_log') }}
    where activity_code = 'PAYMENT_RECEIVED'

),

-- what the customer paid on the invoice while the promise ran (made, end]
paid_while_open as (

    select
        pairs.opening_event_id,
        sum(receipts.amount) as paid_amount
    from pairs
    inner join receipts
        on
            pairs.case_id = receipts.case_id
            and pairs.opening_at < receipts.event_timestamp
            and pairs.closing_at >= receipts.event_timestamp
    group by pairs.opening_event_id

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
        pairs.opening_source_record_id as source_record_id,
        pairs.opening_at as promised_at,
        pairs.opening_resource as promised_to,
        pairs.opening_amount as promised_amount,
        pairs.opening_currency as currency,
        pairs.closing_event_id as outcome_event_id,
        pairs.closing_at as outcome_at,
        case
            when pairs.closing_activity_code = 'PROMISE_TO_PAY_KEPT' then 'kept'
            when pairs.closing_activity_code = 'PROMISE_TO_PAY_CANCELLED' then 'cancelled'
            when
                pairs.closing_activity_code = 'PROMISE_TO_PAY_BROKEN'
                and (pairs.closing_reason_code = 'PARTIALLY_KEPT' or coalesce(paid.paid_amount, 0) > 0)
                then 'partially_kept'
            when pairs.closing_activity_code = 'PROMISE_TO_PAY_BROKEN' then 'broken'
            else 'open'
        end as outcome,
        pairs.closing_reason_code as outcome_reason_code,
        coalesce(pairs.closing_activity_code = 'PROMISE_TO_PAY_KEPT', false) as is_kept,
        cast(
            case when pairs.closing_event_id is not null then coalesce(paid.paid_amount, 0) end
            as {{ dbt.type_numeric() }}
        ) as paid_amount,
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
    left join paid_while_open as paid
        on pairs.opening_event_id = paid.opening_event_id

)

select * from final
