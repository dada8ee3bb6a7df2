-- grain: one row per directly-follows edge (source_activity_code, target_activity_code)
-- The directly-follows graph of the event log: b directly follows a when b is the next event
-- after a in the same case by the ordering rule (case_id, event_timestamp, activity_order,
-- event_id). Artificial edges from the start node '▶' to each case's first activity and from
-- each case's last activity to the end node '■' carry the start and end frequencies; they
-- have no waiting time. Waiting time of an edge: seconds from the source event to the target.
{%- set start_node = "'▶'" %}
{%- set end_node = "'■'" %}

with sequenced as (

    select * from {{ ref('int_event_log_sequenced') }}

),

start_edges as (

    -- one per case, so the case frequency is the frequency
    select
        {{ start_node }} as source_activity_code,
        activity_code as target_activity_code,
        count(*) as edge_frequency,
        count(*) as case_frequency,
        cast(null as {{ dbt.type_numeric() }}) as mean_waiting_seconds,
        cast(null as {{ dbt.type_numeric() }}) as median_waiting_seconds,
        cast(null as {{ dbt.type_numeric() }}) as p90_waiting_seconds,
        cast(null as {{ dbt.type_numeric() }}) as max_waiting_seconds
    from sequenced
    where step_number = 1
    group by activity_code

),

edges as (

    -- every event and the one that directly follows it (the end node after a case's last)
    select
        case_id,
        activity_code as source_activity_code,
        coalesce(next_activity_code, {{ end_node }}) as target_activity_code,
        {{ seconds_between('event_timestamp', 'next_event_timestamp') }} as waiting_seconds
    from sequenced

),

edge_cases as (

    select
        source_activity_code,
        target_activity_code,
        count(*) as case_frequency
    from (
        select distinct
            source_activity_code,
            target_activity_code,
            case_id
        from edges
    ) as distinct_edge_cases
    group by source_activity_code, target_activity_code

),

edge_facts as (

    select
        source_activity_code,
        target_activity_code,
        count(*) as edge_frequency,
        avg(waiting_seconds) as mean_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.5) }} as median_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.9) }} as p90_waiting_seconds,
        max(waiting_seconds) as max_waiting_seconds
    from edges
    group by source_activity_code, target_activity_code

),

all_edges as (

    select
        edge_facts.source_activity_code,
        edge_facts.target_activity_code,
        edge_facts.edge_frequency,
        edge_cases.case_frequency,
        edge_facts.mean_waiting_seconds,
        edge_facts.median_waiting_seconds,
        edge_facts.p90_waiting_seconds,
        edge_facts.max_waiting_seconds
    from edge_facts
    inner join edge_cases
        on
            edge_facts.source_activity_code = edge_cases.source_activity_code
            and edge_facts.target_activity_code = edge_cases.target_activity_code

    union all

    select * from start_edges

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
    from all_edges

)

select * from final
