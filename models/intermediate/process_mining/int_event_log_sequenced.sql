-- grain: one row per event of event_log (case_id, step_number)
-- Each event with its position in its case and the event that directly follows it, by the
-- ordering rule (case_id, event_timestamp, activity_order, event_id). Sorting the log is the
-- costly step of the process-mining marts: it is done once here, and every pm_* mart reads
-- this table instead of sorting again.
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

final as (

    select
        case_id,
        cast(row_number() over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as {{ dbt.type_int() }}) as step_number,
        activity_code,
        event_timestamp,
        lead(activity_code) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as next_activity_code,
        lead(event_timestamp) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as next_event_timestamp
    from events

)

select * from final
