-- grain: one row per dispute (dispute_id = event_id of its Dispute Opened event)
-- A dispute is a Dispute Opened event; its resolution is its own Dispute Resolved event, paired in
-- the macro paired_events by source record (HighRadius dispute_id; D365 the invoice's next
-- Resolved status change).
with pairs as (

    {{ paired_events('dispute', ['DISPUTE_OPENED'], ['DISPUTE_RESOLVED'], pair_by_record=true) }}

),

cases as (

    select * from {{ ref('cases') }}

),

final as (

    select
        pairs.opening_event_id as dispute_id,
        pairs.case_id,
        pairs.company_code,
        pairs.invoice_id,
        pairs.customer_id,
        cases.customer_segment,
        cases.collector_id,
        pairs.pair_number as dispute_number,
        pairs.opening_source_system as source_system,
        pairs.opening_at as opened_at,
        pairs.opening_resource as opened_by,
        pairs.closing_event_id as resolution_event_id,
        pairs.closing_at as resolved_at,
        pairs.closing_resource as resolved_by,
        pairs.opening_reason_code as reason_code,
        pairs.closing_reason_code as resolution_code,
        pairs.opening_amount as disputed_amount,
        pairs.opening_currency as currency,
        pairs.closing_event_id is not null as is_resolved,
        cast(
            {{ seconds_between('pairs.opening_at', 'pairs.closing_at') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as dispute_days,
        cast(
            {{ days_between('pairs.opening_at', 'pairs.closing_at') }} as {{ dbt.type_int() }}
        ) as dispute_calendar_days,
        cast(
            pairs.closing_business_day_number - pairs.opening_business_day_number as {{ dbt.type_int() }}
        ) as dispute_business_days,
        cast(
            case
                when pairs.closing_event_id is null
                    then {{ days_between('pairs.opening_at', 'cases.as_of_date') }}
            end as {{ dbt.type_int() }}
        ) as days_open_as_of
    from pairs
    inner join cases
        on pairs.case_id = cases.case_id

)

select * from final
