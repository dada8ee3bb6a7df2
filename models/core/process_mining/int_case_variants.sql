-- grain: one row per case of the event log (case_id)
-- The variant of every case, its first and last event and its outcome. The variant id is a
-- fingerprint of the case's activity sequence: every step (position, activity code) gets a
-- number from md5, the numbers are summed over the case, and variant_id is the md5 of that sum.
-- Two cases have the same id exactly when they have the same steps, i.e. the same sequence
-- (up to a collision of 60-bit md5 prefixes, negligible), and no ordered string aggregation
-- over every event is needed. A table: cases and every process-mining mart read it.
{{ config(materialized='table') }}

with sequenced as (

    select
        case_id,
        step_number,
        activity_number,
        event_timestamp
    from {{ ref('int_event_log_sequenced') }}

),

-- a second import of the same table, read once by `steps`: a CTE read twice would be
-- materialised (7 million rows copied) by some engines
sequenced_steps as (

    select
        step_number,
        activity_number
    from {{ ref('int_event_log_sequenced') }}

),

activities as (

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

),

catalogue as (

    select
        activity_code,
        is_terminal
    from {{ ref('activity_catalogue') }}

),

steps as (

    -- the distinct (position, activity) steps of the log: few, so md5 runs on few values, and
    -- the outcome flags of the activity are looked up once per step, not once per event
    select
        distinct_steps.step_number,
        distinct_steps.activity_number,
        {{ md5_prefix_number(
            'cast(distinct_steps.step_number as ' ~ dbt.type_string() ~ ")"
            ~ " || ':' || activities.activity_code"
        ) }} as step_hash,
        case
            when catalogue.is_terminal and activities.activity_code = 'INVOICE_WRITTEN_OFF' then 1 else 0
        end as is_write_off,
        case when catalogue.is_terminal then 1 else 0 end as is_terminal
    from (
        select distinct
            step_number,
            activity_number
        from sequenced_steps
    ) as distinct_steps
    inner join activities
        on distinct_steps.activity_number = activities.activity_number
    left join catalogue
        on activities.activity_code = catalogue.activity_code

),

case_sequences as (

    select
        sequenced.case_id,
        sum(cast(steps.step_hash as decimal(38, 0))) as sequence_fingerprint,
        count(*) as activity_count,
        min(sequenced.event_timestamp) as first_event_at,
        max(sequenced.event_timestamp) as last_event_at,
        max(steps.is_write_off) as has_write_off,
        max(steps.is_terminal) as has_terminal_event
    from sequenced
    inner join steps
        on
            sequenced.step_number = steps.step_number
            and sequenced.activity_number = steps.activity_number
    group by sequenced.case_id

),

final as (

    select
        case_id,
        {{ dbt.hash('cast(sequence_fingerprint as ' ~ dbt.type_string() ~ ')') }} as variant_id,
        cast(activity_count as {{ dbt.type_int() }}) as activity_count,
        first_event_at,
        last_event_at,
        cast({{ seconds_between('first_event_at', 'last_event_at') }} as {{ dbt.type_numeric() }})
            as throughput_seconds,
        cast({{ seconds_between('first_event_at', 'last_event_at') }} / 86400.0 as {{ dbt.type_numeric() }})
            as throughput_days,
        case
            when has_write_off = 1 then 'written off'
            when has_terminal_event = 1 then 'settled'
            else 'open'
        end as outcome
    from case_sequences

)

select * from final
