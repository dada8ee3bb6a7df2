-- grain: one row per case of the event log (case_id)
-- The variant of every case: a stable hash of its activity sequence in the order of the
-- ordering rule (case_id, event_timestamp, activity_order, event_id), its first and last event
-- and its outcome. A table: cases and every process-mining mart read it.
{{ config(materialized='table') }}

with events as (

    select
        case_id,
        activity_code,
        activity_order,
        event_timestamp,
        event_id
    from {{ ref('event_log') }}

),

catalogue as (

    select
        activity_code,
        is_terminal
    from {{ ref('activity_catalogue') }}

),

case_sequences as (

    -- each code is written as <length>:<code> so that no activity name, whatever characters it
    -- holds, can make two different sequences give the same key
    select
        events.case_id,
        {{ dbt.listagg(
            'cast(' ~ dbt.length('events.activity_code') ~ ' as ' ~ dbt.type_string() ~ ")"
                ~ " || ':' || events.activity_code",
            "','",
            'order by events.event_timestamp, events.activity_order, events.event_id'
        ) }} as sequence_key,
        count(*) as activity_count,
        min(events.event_timestamp) as first_event_at,
        max(events.event_timestamp) as last_event_at,
        max(
            case when catalogue.is_terminal and events.activity_code = 'INVOICE_WRITTEN_OFF' then 1 else 0 end
        ) as has_write_off,
        max(case when catalogue.is_terminal then 1 else 0 end) as has_terminal_event
    from events
    left join catalogue
        on events.activity_code = catalogue.activity_code
    group by events.case_id

),

final as (

    select
        case_id,
        {{ dbt.hash('sequence_key') }} as variant_id,
        cast(activity_count as {{ dbt.type_int() }}) as activity_count,
        first_event_at,
        last_event_at,
        cast({{ seconds_between('first_event_at', 'last_event_at') }} as {{ dbt.type_numeric() }})
            as throughput_seconds,
        cast({{ seconds_between('first_event_at', 'last_event_at') }} / 86400.0 as {{ dbt.type_numeric() }})
            as throughput_days,
        case
            when has_write_off = 1 then 'written off'
            when has_terminal_event = 1 then 'settled'
            else 'open'
        end as outcome
    from case_sequences

)

select * from final
