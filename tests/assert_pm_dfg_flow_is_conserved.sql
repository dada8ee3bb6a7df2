{{ config(group='process_mining') }}
-- In the directly-follows graph every event has exactly one incoming edge (from the previous
-- event of its case, or from the start node) and one outgoing edge (to the next event, or to the
-- end node). So per activity the incoming and the outgoing edge frequencies both equal its
-- events in event_log, and the start edges and the end edges each add up to the cases.
-- Fails with one row per activity or node that breaks this.
with edges as (

    select * from {{ ref('pm_dfg_edges') }}

),

events as (

    select
        activity_code,
        count(*) as event_count
    from {{ ref('event_log') }}
    group by activity_code

),

log_cases as (

    select count(distinct case_id) as case_count
    from {{ ref('event_log') }}

),

incoming as (

    select
        target_activity_code as activity_code,
        sum(edge_frequency) as frequency
    from edges
    where not is_end_edge
    group by target_activity_code

),

outgoing as (

    select
        source_activity_code as activity_code,
        sum(edge_frequency) as frequency
    from edges
    where not is_start_edge
    group by source_activity_code

),

activity_problems as (

    select
        events.activity_code as node,
        events.event_count as expected_frequency,
        incoming.frequency as incoming_frequency,
        outgoing.frequency as outgoing_frequency
    from events
    left join incoming
        on events.activity_code = incoming.activity_code
    left join outgoing
        on events.activity_code = outgoing.activity_code
    where
        incoming.frequency is null
        or outgoing.frequency is null
        or incoming.frequency <> events.event_count
        or outgoing.frequency <> events.event_count

),

node_totals as (

    select
        sum(case when is_start_edge then edge_frequency else 0 end) as start_frequency,
        sum(case when is_end_edge then edge_frequency else 0 end) as end_frequency
    from edges

),

node_problems as (

    select
        'start and end nodes' as node,
        log_cases.case_count as expected_frequency,
        node_totals.end_frequency as incoming_frequency,
        node_totals.start_frequency as outgoing_frequency
    from node_totals
    cross join log_cases
    where
        node_totals.start_frequency <> log_cases.case_count
        or node_totals.end_frequency <> log_cases.case_count

)

select * from activity_problems
union all
select * from node_problems
