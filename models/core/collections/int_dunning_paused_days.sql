-- grain: one row per case with a due date and at least one dispute or promise to pay
-- The days after the due date during which the invoice had a dispute or a promise to pay open
-- (int_dunning_open_intervals). Letters are forbidden then (R05 / R07), so those days do not
-- count towards the policy's maximum days after due: up to the first letter (R02) and up to the
-- close or the as-of date (R09). Each interval covers the dates [start date, end date); one still
-- open on the as-of date runs to its end. Overlapping intervals are merged (gaps and islands), so
-- a day counts once; the days counted are those of (due date, that date] inside an island.
{{ config(materialized='ephemeral') }}

with case_facts as (

    select
        case_id,
        due_date,
        as_of_date,
        first_letter_date,
        closed_date
    from {{ ref('int_conformance_case_facts') }}

),

open_intervals as (

    select
        case_id,
        started_at,
        ended_at
    from {{ ref('int_dunning_open_intervals') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from case_facts

),

pause_ranges as (

    select
        open_intervals.case_id,
        cast(open_intervals.started_at as date) as start_date,
        coalesce(
            cast(open_intervals.ended_at as date), cast({{ dbt.dateadd('day', 1, 'as_of.as_of_date') }} as date)
        ) as end_date
    from open_intervals
    cross join as_of

),

pause_ranges_ordered as (

    select
        case_id,
        start_date,
        end_date,
        max(end_date) over (
            partition by case_id
            order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date
    from pause_ranges

),

pause_ranges_grouped as (

    select
        case_id,
        start_date,
        end_date,
        sum(case when previous_end_date is null or start_date > previous_end_date then 1 else 0 end) over (
            partition by case_id
            order by start_date, end_date
            rows between unbounded preceding and current row
        ) as island_number
    from pause_ranges_ordered

),

pause_islands as (

    select
        case_id,
        island_number,
        min(start_date) as start_date,
        max(end_date) as end_date
    from pause_ranges_grouped
    group by case_id, island_number

),

pause_windows as (

    select
        case_facts.case_id,
        pause_islands.start_date,
        pause_islands.end_date,
        cast({{ dbt.dateadd('day', 1, 'case_facts.due_date') }} as date) as first_day_after_due,
        cast({{ dbt.dateadd('day', 1, 'case_facts.first_letter_date') }} as date) as day_after_first_letter,
        cast(
            {{ dbt.dateadd('day', 1, 'coalesce(case_facts.closed_date, case_facts.as_of_date)') }} as date
        ) as day_after_close
    from case_facts
    inner join pause_islands
        on case_facts.case_id = pause_islands.case_id
    where case_facts.due_date is not null

)

select
    case_id,
    {%- set paused_from = 'greatest(start_date, first_day_after_due)' %}
    sum(
        case
            when day_after_first_letter is null then 0
            when least(end_date, day_after_first_letter) > {{ paused_from }}
                then {{ days_between(paused_from, 'least(end_date, day_after_first_letter)') }}
            else 0
        end
    ) as paused_days_before_first_letter,
    sum(
        case
            when least(end_date, day_after_close) > {{ paused_from }}
                then {{ days_between(paused_from, 'least(end_date, day_after_close)') }}
            else 0
        end
    ) as paused_days_before_close
from pause_windows
group by case_id
