-- grain: one row per event of event_log (case_id, step_number)
-- Each event with its position in its case and the event that directly follows it, by the
-- ordering rule (case_id, event_timestamp, activity_order, event_id). Sorting the log is the
-- costly step of the process-mining marts: it is done once here, and every pm_* mart reads
-- this table instead of sorting again. Activities are carried as their number
-- (int_event_log_activities), which makes the sort and every later aggregation cheaper.
-- The sort leaves out the last tie-breaker, event_id, without changing the result: events of a
-- case with the same timestamp and activity_order have the same activity (activity_order
-- determines the activity: the catalogue's order is unique, and a loaded log's is the event's
-- position in its file; the seed's unique test on activity_order checks the catalogue), so the
-- columns kept here are the same whichever of them comes first. Without the 32-character
-- event_id the sort key is narrower and sorts faster. The partition keys come from
-- hashed_partition_keys: on DuckDB the case id's hash before the case id, the same partitions
-- with a cheaper sort.
{{ config(materialized='table') }}

with events as (

    select
        case_id,
        activity_code,
        activity_order,
        event_timestamp
    from {{ ref('event_log') }}

),

activities as (

    select
        activity_code,
        activity_number
    from {{ ref('int_event_log_activities') }}

),

numbered as (

    select
        events.case_id,
        activities.activity_number,
        events.activity_order,
        events.event_timestamp
    from events
    inner join activities
        on events.activity_code = activities.activity_code

),

final as (

    select
        case_id,
        cast(row_number() over (
            partition by {{ hashed_partition_keys('case_id') }} order by event_timestamp, activity_order
        ) as {{ dbt.type_int() }}) as step_number,
        activity_number,
        event_timestamp,
        lead(activity_number) over (
            partition by {{ hashed_partition_keys('case_id') }} order by event_timestamp, activity_order
        ) as next_activity_number,
        lead(event_timestamp) over (
            partition by {{ hashed_partition_keys('case_id') }} order by event_timestamp, activity_order
        ) as next_event_timestamp
    from numbered

)

select * from final
