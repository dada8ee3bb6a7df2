-- grain: one row per activity code of event_log (activity_code)
-- The activities of the event log, numbered 1..n by activity code. int_event_log_sequenced
-- carries the number instead of the code: the sort and the aggregations over every event
-- move small integers instead of strings, and the marts turn numbers back into codes on
-- their few output rows.
{{ config(materialized='table') }}

with events as (

    select
        activity_code,
        activity,
        activity_order
    from {{ ref('event_log') }}

),

activities as (

    select
        activity_code,
        min(activity) as activity,
        min(activity_order) as activity_order
    from events
    group by activity_code

),

final as (

    select
        cast(row_number() over (order by activity_code) as {{ dbt.type_int() }}) as activity_number,
        activity_code,
        activity,
        cast(activity_order as {{ dbt.type_int() }}) as activity_order
    from activities

)

select * from final
