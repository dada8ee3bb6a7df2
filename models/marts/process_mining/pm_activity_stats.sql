-- grain: one row per activity (activity_code) of the event log
-- How often each activity happens, in how many cases, how often it is repeated, and how long
-- a case stays at it. Sojourn time of an event: seconds from the event to the next event of
-- the same case by the ordering rule (case_id, event_timestamp, activity_order, event_id); the
-- last event of a case has none.
with sequenced as (

    select * from {{ ref('int_event_log_sequenced') }}

),

variant_steps as (

    select * from {{ ref('pm_variant_steps') }}

),

variants as (

    select
        variant_id,
        case_count
    from {{ ref('pm_variants') }}

),

activities as (

    select * from {{ ref('int_event_log_activities') }}

),

variant_activities as (

    -- how often each activity occurs in each variant: every case of the variant has it as often
    select
        variant_id,
        activity_code,
        count(*) as occurrences
    from variant_steps
    group by variant_id, activity_code

),

case_counts as (

    -- counted over the few variants instead of grouping every event by case
    select
        variant_activities.activity_code,
        sum(variants.case_count) as case_count,
        sum(case when variant_activities.occurrences > 1 then variants.case_count else 0 end) as rework_case_count
    from variant_activities
    inner join variants
        on variant_activities.variant_id = variants.variant_id
    group by variant_activities.activity_code

),

event_counts as (

    select
        activity_number,
        count(*) as event_count,
        sum(case when next_activity_number = activity_number then 1 else 0 end) as self_loop_count,
        {{ continuous_percentile(seconds_between('event_timestamp', 'next_event_timestamp'), 0.5) }}
            as median_sojourn_seconds
    from sequenced
    group by activity_number

),

total as (

    select sum(case_count) as total_case_count
    from variants

),

final as (

    select
        activities.activity_code,
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
    inner join activities
        on event_counts.activity_number = activities.activity_number
    inner join case_counts
        on activities.activity_code = case_counts.activity_code
    cross join total

)

select * from final
