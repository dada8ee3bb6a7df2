-- grain: one row per receipt applied to an invoice (payment_event_id = event_id of its
-- Payment Received event; a receipt that pays three invoices has a row in each case)
-- Cash application: from the receipt to its posting in the ledger. The posting is the Payment
-- Posted event of the same case in the same position (the first receipt with the first posting,
-- and so on, each in the event-log order); none yet: not posted.
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
    where activity_code in ('PAYMENT_RECEIVED', 'PAYMENT_POSTED')

),

cases as (

    select * from {{ ref('cases') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

received as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as receipt_number
    from events
    where activity_code = 'PAYMENT_RECEIVED'

),

posted as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as receipt_number
    from events
    where activity_code = 'PAYMENT_POSTED'

),

final as (

    select
        received.event_id as payment_event_id,
        received.case_id,
        received.company_code,
        received.invoice_id,
        received.customer_id,
        cases.customer_segment,
        cast(received.receipt_number as {{ dbt.type_int() }}) as receipt_number,
        received.source_system,
        received.source_record_id,
        received.event_timestamp as received_at,
        received.amount as received_amount,
        received.currency,
        posted.event_id as posting_event_id,
        posted.event_timestamp as posted_at,
        posted.resource as posted_by,
        posted.event_id is not null as is_posted,
        cast(
            {{ seconds_between('received.event_timestamp', 'posted.event_timestamp') }} / 3600.0
            as {{ dbt.type_numeric() }}
        ) as application_lag_hours,
        cast(
            {{ days_between('received.event_timestamp', 'posted.event_timestamp') }} as {{ dbt.type_int() }}
        ) as application_lag_days,
        cast(
            posted_day.business_day_number - received_day.business_day_number as {{ dbt.type_int() }}
        ) as application_lag_business_days
    from received
    left join posted
        on
            received.case_id = posted.case_id
            and received.receipt_number = posted.receipt_number
    inner join cases
        on received.case_id = cases.case_id
    left join calendar as received_day
        on
            received.company_code = received_day.company_code
            and cast(received.event_timestamp as date) = received_day.calendar_date
    left join calendar as posted_day
        on
            received.company_code = posted_day.company_code
            and cast(posted.event_timestamp as date) = posted_day.calendar_date

)

select * from final
