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

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

),

edges as (

    -- every event and the one that directly follows it (none after a case's last)
    select
        activity_number as source_activity_number,
        next_activity_number as target_activity_number,
        {{ seconds_between('event_timestamp', 'next_event_timestamp') }} as waiting_seconds
    from sequenced

),

edge_numbers as (

    -- grouped by activity numbers; codes are looked up on the grouped rows
    select
        source_activity_number,
        target_activity_number,
        count(*) as edge_frequency,
        avg(waiting_seconds) as mean_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.5) }} as median_waiting_seconds,
        {{ continuous_percentile('waiting_seconds', 0.9) }} as p90_waiting_seconds,
        max(waiting_seconds) as max_waiting_seconds
    from edges
    group by source_activity_number, target_activity_number

),

edge_facts as (

    -- the end node '■' after a case's last event
    select
        source_activity.activity_code as source_activity_code,
        coalesce(target_activity.activity_code, {{ end_node }}) as target_activity_code,
        edge_numbers.edge_frequency,
        edge_numbers.mean_waiting_seconds,
        edge_numbers.median_waiting_seconds,
        edge_numbers.p90_waiting_seconds,
        edge_numbers.max_waiting_seconds
    from edge_numbers
    inner join activities as source_activity
        on edge_numbers.source_activity_number = source_activity.activity_number
    left join activities as target_activity
        on edge_numbers.target_activity_number = target_activity.activity_number

),

variant_edges as (

    -- the distinct edges of each variant, start and end included: the cases that have an edge
    -- are the cases of the variants that have it, so case frequencies are counted over the few
    -- variants instead of a distinct over every event
    select distinct
        step.variant_id,
        step.activity_code as source_activity_code,
        coalesce(next_step.activity_code, {{ end_node }}) as target_activity_code
    from variant_steps as step
    left join variant_steps as next_step
        on
            step.variant_id = next_step.variant_id
            and next_step.step_number = step.step_number + 1

    union all

    select
        variant_id,
        {{ start_node }} as source_activity_code,
        activity_code as target_activity_code
    from variant_steps
    where step_number = 1

),

edge_cases as (

    select
        variant_edges.source_activity_code,
        variant_edges.target_activity_code,
        sum(variants.case_count) as case_frequency
    from variant_edges
    inner join variants
        on variant_edges.variant_id = variants.variant_id
    group by variant_edges.source_activity_code, variant_edges.target_activity_code

),

all_edges as (

    -- a start edge has no event of its own: one per case, so its frequency is its case frequency
    select
        edge_cases.source_activity_code,
        edge_cases.target_activity_code,
        edge_cases.case_frequency,
        edge_facts.mean_waiting_seconds,
        edge_facts.median_waiting_seconds,
        edge_facts.p90_waiting_seconds,
        edge_facts.max_waiting_seconds,
        coalesce(edge_facts.edge_frequency, edge_cases.case_frequency) as edge_frequency
    from edge_cases
    left join edge_facts
        on
            edge_cases.source_activity_code = edge_facts.source_activity_code
            and edge_cases.target_activity_code = edge_facts.target_activity_code

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
