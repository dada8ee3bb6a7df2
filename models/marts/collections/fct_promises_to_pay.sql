-- grain: one row per promise to pay (promise_id = event_id of its Promise To Pay Made event)
-- A promise is a Promise To Pay Made event; its outcome is the Promise To Pay Kept or Broken
-- event of the same case in the same position (the first promise with the first outcome, and
-- so on, each in the event-log order). No outcome yet: the promise is open.
with events as (

    select
        event_id,
        case_id,
        company_code,
        invoice_id,
        customer_id,
        activity_code,
        activity_order,
        event_timestamp,
        resource,
        source_system,
        source_record_id,
        amount,
        currency,
        reason_code
    from {{ ref('event_log') }}
    where activity_code in ('PROMISE_TO_PAY_MADE', 'PROMISE_TO_PAY_KEPT', 'PROMISE_TO_PAY_BROKEN')

),

cases as (

    select * from {{ ref('cases') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

made as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as promise_number
    from events
    where activity_code = 'PROMISE_TO_PAY_MADE'

),

outcomes as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as promise_number
    from events
    where activity_code <> 'PROMISE_TO_PAY_MADE'

),

final as (

    select
        made.event_id as promise_id,
        made.case_id,
        made.company_code,
        made.invoice_id,
        made.customer_id,
        cases.customer_segment,
        cases.collector_id,
        cast(made.promise_number as {{ dbt.type_int() }}) as promise_number,
        made.source_system,
        made.event_timestamp as promised_at,
        made.resource as promised_to,
        made.amount as promised_amount,
        made.currency,
        outcomes.event_id as outcome_event_id,
        outcomes.event_timestamp as outcome_at,
        case outcomes.activity_code
            when 'PROMISE_TO_PAY_KEPT' then 'kept'
            when 'PROMISE_TO_PAY_BROKEN' then 'broken'
            else 'open'
        end as outcome,
        outcomes.reason_code as outcome_reason_code,
        coalesce(outcomes.activity_code = 'PROMISE_TO_PAY_KEPT', false) as is_kept,
        cast(
            {{ seconds_between('made.event_timestamp', 'outcomes.event_timestamp') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as days_to_outcome,
        cast(
            outcome_day.business_day_number - made_day.business_day_number as {{ dbt.type_int() }}
        ) as business_days_to_outcome,
        cases.settled_at as invoice_settled_at
    from made
    left join outcomes
        on
            made.case_id = outcomes.case_id
            and made.promise_number = outcomes.promise_number
    inner join cases
        on made.case_id = cases.case_id
    left join calendar as made_day
        on
            made.company_code = made_day.company_code
            and cast(made.event_timestamp as date) = made_day.calendar_date
    left join calendar as outcome_day
        on
            made.company_code = outcome_day.company_code
            and cast(outcomes.event_timestamp as date) = outcome_day.calendar_date

)

select * from final
