-- grain: one row per activity (activity_code) of the event log
-- How often each activity happens, in how many cases, how often it is repeated, and how long
-- a case stays at it. Sojourn time of an event: seconds from the event to the next event of
-- the same case by the ordering rule (case_id, event_timestamp, activity_order, event_id); the
-- last event of a case has none.
with sequenced as (

    select * from {{ ref('int_event_log_sequenced') }}

),

case_variants as (

    select * from {{ ref('int_case_variants') }}

),

activities as (

    select
        activity_code,
        min(activity) as activity,
        min(activity_order) as activity_order
    from {{ ref('event_log') }}
    group by activity_code

),

case_activities as (

    select
        activity_code,
        case_id,
        count(*) as occurrences
    from sequenced
    group by activity_code, case_id

),

case_counts as (

    select
        activity_code,
        count(*) as case_count,
        sum(case when occurrences > 1 then 1 else 0 end) as rework_case_count
    from case_activities
    group by activity_code

),

event_counts as (

    select
        activity_code,
        count(*) as event_count,
        sum(case when next_activity_code = activity_code then 1 else 0 end) as self_loop_count,
        {{ continuous_percentile(seconds_between('event_timestamp', 'next_event_timestamp'), 0.5) }}
            as median_sojourn_seconds
    from sequenced
    group by activity_code

),

total as (

    select count(*) as total_case_count
    from case_variants

),

final as (

    select
        event_counts.activity_code,
        activities.activity,
        cast(activities.activity_order as {{ dbt.type_int() }}) as activity_order,
        cast(event_counts.event_count as {{ dbt.type_bigint() }}) as event_count,
        cast(case_counts.case_count as {{ dbt.type_bigint() }}) as case_count,
        cast(case_counts.case_count * 1.0 / total.total_case_count as {{ dbt.type_numeric() }}) as case_share,
        cast(case_counts.rework_case_count as {{ dbt.type_bigint() }}) as rework_case_count,
        cast(event_counts.self_loop_count as {{ dbt.type_bigint() }}) as self_loop_count,
        cast(event_counts.median_sojourn_seconds as {{ dbt.type_numeric() }}) as median_sojourn_seconds,
        cast(event_counts.median_sojourn_seconds / 86400.0 as {{ dbt.type_numeric() }}) as median_sojourn_days
    from event_counts
    inner join case_counts
        on event_counts.activity_code = case_counts.activity_code
    inner join activities
        on event_counts.activity_code = activities.activity_code
    cross join total

)

select * from final
