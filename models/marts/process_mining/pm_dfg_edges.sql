-- grain: one row per directly-follows edge (source_activity_code, target_activity_code)
-- The directly-follows graph of the event log: b directly follows a when b is the next event
-- after a in the same case by the ordering rule (case_id, event_timestamp, activity_order,
-- event_id). Artificial edges from the start node '▶' to each case's first activity and from
-- each case's last activity to the end node '■' carry the start and end frequencies; they
-- have no waiting time. Waiting time of an edge: seconds from the source event to the target.
{%- set start_node = "'▶'" %}
{%- set end_node = "'■'" %}

with events as (

    select
        case_id,
        activity_code,
        activity_order,
        event_timestamp,
        event_id
    from {{ ref('event_log') }}

),

sequenced as (

    select
        case_id,
        activity_code,
        event_timestamp,
        row_number() over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as step_number,
        lead(activity_code) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as next_activity_code,
        lead(event_timestamp) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as next_event_timestamp
    from events

),

edges as (

    select
        case_id,
        {{ start_node }} as source_activity_code,
        activity_code as target_activity_code,
        cast(null as {{ dbt.type_numeric() }}) as waiting_seconds
    from sequenced
    where step_number = 1

    union all

    select
        case_id,
        activity_code as source_activity_code,
        coalesce(next_activity_code, {{ end_node }}) as target_activity_code,
        cast({{ seconds_between('event_timestamp', 'next_event_timestamp') }} as {{ dbt.type_numeric() }})
            as waiting_seconds
    from sequenced

),

edge_facts as (

    select
        source_activity_code,
        target_activity_code,
        count(*) as edge_frequency,
        count(distinct case_id) as case_frequency,
        avg(waiting_seconds) as mean_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.5) }} as median_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.9) }} as p90_waiting_seconds,
        max(waiting_seconds) as max_waiting_seconds
    from edges
    group by source_activity_code, target_activity_code

),

final as (

    select
        source_activity_code,
        target_activity_code,
        source_activity_code = {{ start_node }} as is_start_edge,
        target_activity_code = {{ end_node }} as is_end_edge,
        cast(edge_frequency as {{ dbt.type_bigint() }}) as edge_frequency,
        cast(case_frequency as {{ dbt.type_bigint() }}) as case_frequency,
        cast(mean_waiting_seconds as {{ dbt.type_numeric() }}) as mean_waiting_seconds,
        cast(median_waiting_seconds as {{ dbt.type_numeric() }}) as median_waiting_seconds,
        cast(p90_waiting_seconds as {{ dbt.type_numeric() }}) as p90_waiting_seconds,
        cast(max_waiting_seconds as {{ dbt.type_numeric() }}) as max_waiting_seconds,
        cast(mean_waiting_seconds / 86400.0 as {{ dbt.type_numeric() }}) as mean_waiting_days,
        cast(median_waiting_seconds / 86400.0 as {{ dbt.type_numeric() }}) as median_waiting_days,
        cast(p90_waiting_seconds / 86400.0 as {{ dbt.type_numeric() }}) as p90_waiting_days,
        cast(max_waiting_seconds / 86400.0 as {{ dbt.type_numeric() }}) as max_waiting_days
    from edge_facts

)

select * from final
