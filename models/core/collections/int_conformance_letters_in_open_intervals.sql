-- grain: one row per case (customer invoice) and rule R05, R07
-- Dunning letters sent while a dispute (R05) or a promise to pay (R07) of the invoice was open
-- (int_dunning_open_intervals: after the opening, before its own end, or with no end yet). The
-- observed value names the first such letter and the interval it fell into. Evidence: each
-- letter inside an open interval with that interval's opening and closing events (violation),
-- or every letter and every dispute / promise event (pass). Judged by the version of the first
-- letter's date, for the record only. The rows of fct_dunning_conformance (macro
-- conformance_rows).
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}

with case_facts as (

    select * from {{ ref('int_conformance_case_facts') }}

),

open_intervals as (

    select * from {{ ref('int_dunning_open_intervals') }}

),

letters as (

    select * from {{ ref('int_dunning_letters_flagged') }}

),

letters_in_intervals as (

    select
        open_intervals.case_id,
        open_intervals.interval_type,
        open_intervals.start_event_id,
        open_intervals.started_at,
        open_intervals.start_activity_order,
        open_intervals.end_event_id,
        open_intervals.ended_at,
        open_intervals.end_activity_order,
        letters.event_id as letter_event_id,
        letters.event_timestamp as letter_at,
        letters.activity_order as letter_activity_order,
        letters.letter_date,
        letters.dunning_level,
        row_number() over (
            partition by open_intervals.case_id, open_intervals.interval_type
            order by letters.letter_seq, open_intervals.interval_number
        ) as offence_rank
    from open_intervals
    inner join letters
        on
            open_intervals.case_id = letters.case_id
            and open_intervals.started_at < letters.event_timestamp
            and (open_intervals.ended_at is null or open_intervals.ended_at > letters.event_timestamp)

),

interval_offences as (

    select
        case_id,
        interval_type,
        count(distinct letter_event_id) as letters_inside
    from letters_in_intervals
    group by case_id, interval_type

),

interval_facts as (

    select
        open_intervals.case_id,
        open_intervals.interval_type,
        count(*) as interval_count,
        max(offences.letters_inside) as letters_inside
    from open_intervals
    left join interval_offences as offences
        on
            open_intervals.case_id = offences.case_id
            and open_intervals.interval_type = offences.interval_type
    group by open_intervals.case_id, open_intervals.interval_type

),

evidence_events as (

    -- violation: each letter inside an open interval, with the interval's opening and closing
    select
        case_id,
        interval_type,
        letter_event_id as event_id,
        letter_at as event_timestamp,
        letter_activity_order as activity_order
    from letters_in_intervals

    union all

    select
        case_id,
        interval_type,
        start_event_id as event_id,
        started_at as event_timestamp,
        start_activity_order as activity_order
    from letters_in_intervals

    union all

    select
        case_id,
        interval_type,
        end_event_id as event_id,
        ended_at as event_timestamp,
        end_activity_order as activity_order
    from letters_in_intervals
    where end_event_id is not null

    union all

    -- pass: every letter, and every opening and closing of the intervals of that type
    select
        letters.case_id,
        interval_facts.interval_type,
        letters.event_id,
        letters.event_timestamp,
        letters.activity_order
    from interval_facts
    inner join letters
        on interval_facts.case_id = letters.case_id
    where interval_facts.letters_inside is null

    union all

    select
        open_intervals.case_id,
        open_intervals.interval_type,
        open_intervals.start_event_id as event_id,
        open_intervals.started_at as event_timestamp,
        open_intervals.start_activity_order as activity_order
    from open_intervals
    inner join interval_facts
        on
            open_intervals.case_id = interval_facts.case_id
            and open_intervals.interval_type = interval_facts.interval_type
    where interval_facts.letters_inside is null

    union all

    select
        open_intervals.case_id,
        open_intervals.interval_type,
        open_intervals.end_event_id as event_id,
        open_intervals.ended_at as event_timestamp,
        open_intervals.end_activity_order as activity_order
    from open_intervals
    inner join interval_facts
        on
            open_intervals.case_id = interval_facts.case_id
            and open_intervals.interval_type = interval_facts.interval_type
    where interval_facts.letters_inside is null and open_intervals.end_event_id is not null

),

-- a letter can fall into two intervals, and an interval can hold two letters
evidence_distinct as (

    select distinct
        case_id,
        interval_type,
        event_id,
        event_timestamp,
        activity_order
    from evidence_events

),

evidence as (

    select
        case_id,
        interval_type,
        {{ dbt.listagg('event_id', "','", 'order by event_timestamp, activity_order, event_id') }}
            as evidence_event_ids,
        count(*) as evidence_event_count
    from evidence_distinct
    group by case_id, interval_type

),

{%- for rule_id, interval_type, what, whats, event in [
    ('R05', 'dispute', 'dispute', 'disputes', 'opened'),
    ('R07', 'promise', 'promise to pay', 'promises to pay', 'made'),
] %}

{{ rule_id | lower }} as (

    select
        case_facts.case_id,
        '{{ rule_id }}' as rule_id,
        case_facts.company_code,
        case_facts.invoice_id,
        {%- for column in ['policy_id', 'policy_version'] %}
        case
            when case_facts.first_letter_date is null then case_facts.due_{{ column }}
            else case_facts.first_letter_{{ column }}
        end as {{ column }},
        {%- endfor %}
        coalesce(case_facts.first_letter_date, case_facts.due_date) as policy_reference_date,
        case
            when case_facts.letter_count = 0 then 'not_applicable'
            when interval_facts.case_id is null then 'not_applicable'
            when interval_facts.letters_inside > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when case_facts.letter_count = 0 then 'no dunning letter'
            when interval_facts.case_id is null then 'no {{ what }}'
        end as not_applicable_reason,
        'no letter while a {{ what }} is open' as expected_value,
        case
            when offence.case_id is not null
                then
                    'level ' || cast(offence.dunning_level as {{ text }}) || ' letter on '
                    || cast(offence.letter_date as {{ text }}) || ' while the {{ what }} {{ event }} on '
                    || cast(cast(offence.started_at as date) as {{ text }}) || ' was open'
                    || case
                        when interval_facts.letters_inside > 1
                            then ' (' || cast(interval_facts.letters_inside as {{ text }}) || ' letters)'
                        else ''
                    end
            else
                'letters sent: ' || cast(case_facts.letter_count as {{ text }})
                || ', none while a {{ what }} was open ({{ whats }}: '
                || cast(interval_facts.interval_count as {{ text }}) || ')'
        end as observed_value,
        cast(null as {{ int }}) as expected_days,
        cast(null as {{ int }}) as observed_days,
        cast(null as {{ int }}) as deviation_days,
        evidence.evidence_event_ids,
        evidence.evidence_event_count
    from case_facts
    left join interval_facts
        on
            case_facts.case_id = interval_facts.case_id
            and interval_facts.interval_type = '{{ interval_type }}'
    left join letters_in_intervals as offence
        on
            case_facts.case_id = offence.case_id
            and offence.interval_type = '{{ interval_type }}'
            and offence.offence_rank = 1
    left join evidence
        on
            case_facts.case_id = evidence.case_id
            and evidence.interval_type = '{{ interval_type }}'

),
{%- endfor %}

checks as (

    select * from r05
    union all
    select * from r07

)

{{ conformance_rows('checks') }}
