-- grain: one row per dispute (dispute_id = event_id of its Dispute Opened event)
-- A dispute is a Dispute Opened event; its resolution is the Dispute Resolved event of the same
-- case in the same position (the first opened with the first resolved, and so on, each in the
-- event-log order).
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
    where activity_code in ('DISPUTE_OPENED', 'DISPUTE_RESOLVED')

),

cases as (

    select * from {{ ref('cases') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

opened as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as dispute_number
    from events
    where activity_code = 'DISPUTE_OPENED'

),

resolved as (

    select
        *,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as dispute_number
    from events
    where activity_code = 'DISPUTE_RESOLVED'

),

final as (

    select
        opened.event_id as dispute_id,
        opened.case_id,
        opened.company_code,
        opened.invoice_id,
        opened.customer_id,
        cases.customer_segment,
        cases.collector_id,
        cast(opened.dispute_number as {{ dbt.type_int() }}) as dispute_number,
        opened.source_system,
        opened.event_timestamp as opened_at,
        opened.resource as opened_by,
        resolved.event_id as resolution_event_id,
        resolved.event_timestamp as resolved_at,
        resolved.resource as resolved_by,
        opened.reason_code,
        resolved.reason_code as resolution_code,
        opened.amount as disputed_amount,
        opened.currency,
        resolved.event_id is not null as is_resolved,
        cast(
            {{ seconds_between('opened.event_timestamp', 'resolved.event_timestamp') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as dispute_days,
        cast(
            {{ days_between('opened.event_timestamp', 'resolved.event_timestamp') }} as {{ dbt.type_int() }}
        ) as dispute_calendar_days,
        cast(
            resolved_day.business_day_number - opened_day.business_day_number as {{ dbt.type_int() }}
        ) as dispute_business_days,
        cast(
            case
                when resolved.event_id is null
                    then {{ days_between('opened.event_timestamp', 'cases.as_of_date') }}
            end as {{ dbt.type_int() }}
        ) as days_open_as_of
    from opened
    left join resolved
        on
            opened.case_id = resolved.case_id
            and opened.dispute_number = resolved.dispute_number
    inner join cases
        on opened.case_id = cases.case_id
    left join calendar as opened_day
        on
            opened.company_code = opened_day.company_code
            and cast(opened.event_timestamp as date) = opened_day.calendar_date
    left join calendar as resolved_day
        on
            opened.company_code = resolved_day.company_code
            and cast(resolved.event_timestamp as date) = resolved_day.calendar_date

)

select * from final
