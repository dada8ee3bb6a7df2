-- grain: one row per dispute opened or promise to pay made (event_log event) known on the as-of date
-- The intervals during which a dispute or a promise to pay of an invoice was open, as the
-- conformance rules see them: letters are forbidden inside (R05 disputes, R07 promises), and the
-- days inside do not count towards the policy's maximum days after due (R02, R09). Only events
-- dated on or before the as-of date of `cases` count. Each opening is closed by its own end (as
-- in the macro paired_events with pair_by_record, through closes_its_own_opening): HighRadius,
-- the end of the same record (dispute_id, p2p_id); D365, the first end of the case after it from
-- another custdisputehistory row (the invoice's next status change). A promise cancelled or
-- replaced by a new one ends its own interval. An interval without an end is still open.
{{ config(materialized='table') }}

with cases as (

    select as_of_date
    from {{ ref('cases') }}

),

event_log as (

    select
        case_id,
        event_id,
        activity_code,
        activity_order,
        event_timestamp,
        source_system,
        source_record_id
    from {{ ref('event_log') }}
    where
        activity_code in (
            'DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'PROMISE_TO_PAY_MADE', 'PROMISE_TO_PAY_KEPT',
            'PROMISE_TO_PAY_BROKEN', 'PROMISE_TO_PAY_CANCELLED'
        )

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

interval_events as (

    select
        event_log.case_id,
        event_log.event_id,
        event_log.event_timestamp,
        event_log.activity_order,
        event_log.source_system,
        event_log.source_record_id,
        case
            when event_log.activity_code in ('DISPUTE_OPENED', 'DISPUTE_RESOLVED') then 'dispute'
            else 'promise'
        end as interval_type,
        case
            when event_log.activity_code in ('DISPUTE_OPENED', 'PROMISE_TO_PAY_MADE') then 'start'
            else 'end'
        end as bound
    from event_log
    cross join as_of
    where cast(event_log.event_timestamp as date) <= as_of.as_of_date

),

interval_events_numbered as (

    select
        case_id,
        event_id,
        event_timestamp,
        activity_order,
        source_system,
        source_record_id,
        interval_type,
        bound,
        cast(row_number() over (
            partition by case_id, interval_type, bound order by event_timestamp, activity_order, event_id
        ) as {{ dbt.type_int() }}) as occurrence
    from interval_events

),

interval_end_candidates as (

    select
        starts.event_id as start_event_id,
        ends.event_id as end_event_id,
        ends.event_timestamp as ended_at,
        ends.activity_order as end_activity_order,
        row_number() over (
            partition by starts.event_id order by ends.event_timestamp, ends.activity_order, ends.event_id
        ) as candidate_rank
    from interval_events_numbered as starts
    inner join interval_events_numbered as ends
        on
            starts.interval_type = ends.interval_type
            and ends.bound = 'end'
            and {{ closes_its_own_opening('starts', 'ends') }}
    where starts.bound = 'start'

)

select
    starts.case_id,
    starts.interval_type,
    starts.occurrence as interval_number,
    starts.event_id as start_event_id,
    starts.event_timestamp as started_at,
    starts.activity_order as start_activity_order,
    ends.end_event_id,
    ends.ended_at,
    ends.end_activity_order
from interval_events_numbered as starts
left join interval_end_candidates as ends
    on
        starts.event_id = ends.start_event_id
        and ends.candidate_rank = 1
where starts.bound = 'start'
