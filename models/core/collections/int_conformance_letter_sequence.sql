-- grain: one row per case (customer invoice) and rule R03, R04
-- The order and spacing of an invoice's dunning letters (int_dunning_letters_flagged): R03 a
-- level skipped (the first letter is not the policy's first level, or a letter is more than one
-- level above the letter before it), judged by the version of the first letter's date; R04 a
-- letter sent less than its level's min_days_since_previous after the letter before it, reporting
-- the pair closest to (or furthest below) its minimum, judged by the version of that pair's later
-- letter. Evidence: the offending letters and the letters before them (violation), or every
-- letter (pass). The rows of fct_dunning_conformance (macro conformance_rows).
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}

with case_facts as (

    select * from {{ ref('int_conformance_case_facts') }}

),

letters as (

    select * from {{ ref('int_dunning_letters_flagged') }}

),

letter_facts as (

    select
        case_id,
        sum(skips_level) as skipping_letters,
        sum(too_close) as too_close_letters,
        {{ dbt.listagg('cast(dunning_level as ' ~ text ~ ')', "', '", 'order by letter_seq') }} as level_sequence,
        {{ dbt.listagg('event_id', "','", 'order by letter_seq') }} as all_letter_event_ids
    from letters
    group by case_id

),

-- R04: the pair of consecutive letters closest to (or furthest below) its minimum spacing
spacing_ranked as (

    select
        case_id,
        letter_date,
        dunning_level,
        days_since_previous,
        min_days_since_previous,
        policy_id,
        policy_version,
        row_number() over (
            partition by case_id order by days_since_previous - min_days_since_previous, letter_seq
        ) as spacing_rank
    from letters
    where letter_seq > 1 and min_days_since_previous is not null

),

-- the offending letters and the letters before them
{%- for rule_id, flag in [('R03', 'skips_level'), ('R04', 'too_close')] %}

{{ rule_id | lower }}_evidence as (

    select
        case_id,
        {{ dbt.listagg('event_id', "','", 'order by event_timestamp, activity_order, event_id') }}
            as evidence_event_ids,
        count(*) as evidence_event_count
    from letters
    where {{ flag }} = 1 or next_{{ flag }} = 1
    group by case_id

),
{%- endfor %}

sequence_facts as (

    select
        case_facts.case_id,
        case_facts.company_code,
        case_facts.invoice_id,
        case_facts.due_date,
        case_facts.letter_count,
        case_facts.first_letter_date,
        case_facts.first_letter_policy_id,
        letter_facts.skipping_letters,
        letter_facts.too_close_letters,
        letter_facts.level_sequence,
        letter_facts.all_letter_event_ids,
        r03_evidence.evidence_event_ids as skipping_event_ids,
        r03_evidence.evidence_event_count as skipping_event_count,
        r04_evidence.evidence_event_ids as too_close_event_ids,
        r04_evidence.evidence_event_count as too_close_event_count,
        case
            when case_facts.first_letter_date is null then case_facts.due_policy_id
            else case_facts.first_letter_policy_id
        end as letter_policy_id,
        case
            when case_facts.first_letter_date is null then case_facts.due_policy_version
            else case_facts.first_letter_policy_version
        end as letter_policy_version
    from case_facts
    left join letter_facts
        on case_facts.case_id = letter_facts.case_id
    left join r03_evidence
        on case_facts.case_id = r03_evidence.case_id
    left join r04_evidence
        on case_facts.case_id = r04_evidence.case_id

),

r03 as (

    select
        case_id,
        'R03' as rule_id,
        company_code,
        invoice_id,
        letter_policy_id as policy_id,
        letter_policy_version as policy_version,
        coalesce(first_letter_date, due_date) as policy_reference_date,
        case
            when letter_count = 0 then 'not_applicable'
            when first_letter_policy_id is null then 'not_applicable'
            when skipping_letters > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when letter_count = 0 then 'no dunning letter'
            when first_letter_policy_id is null then 'no dunning policy version applies'
        end as not_applicable_reason,
        'levels in order from the first level, none skipped' as expected_value,
        'levels sent: ' || level_sequence as observed_value,
        cast(null as {{ int }}) as expected_days,
        cast(null as {{ int }}) as observed_days,
        cast(null as {{ int }}) as deviation_days,
        case when skipping_letters = 0 then all_letter_event_ids else skipping_event_ids end as evidence_event_ids,
        case when skipping_letters = 0 then letter_count else skipping_event_count end as evidence_event_count
    from sequence_facts

),

r04 as (

    select
        sequence_facts.case_id,
        'R04' as rule_id,
        sequence_facts.company_code,
        sequence_facts.invoice_id,
        {%- for column in ['policy_id', 'policy_version'] %}
        case
            when spacing_ranked.case_id is not null then spacing_ranked.{{ column }}
            else sequence_facts.letter_{{ column }}
        end as {{ column }},
        {%- endfor %}
        coalesce(spacing_ranked.letter_date, sequence_facts.first_letter_date, sequence_facts.due_date)
            as policy_reference_date,
        case
            when sequence_facts.letter_count < 2 then 'not_applicable'
            when sequence_facts.first_letter_policy_id is null then 'not_applicable'
            when spacing_ranked.case_id is null then 'not_applicable'
            when sequence_facts.too_close_letters > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when sequence_facts.letter_count < 2 then 'fewer than two dunning letters'
            when sequence_facts.first_letter_policy_id is null then 'no dunning policy version applies'
            when spacing_ranked.case_id is null then 'the policy sets no minimum days between these levels'
        end as not_applicable_reason,
        'level ' || cast(spacing_ranked.dunning_level as {{ text }}) || ' at least '
        || cast(spacing_ranked.min_days_since_previous as {{ text }}) || ' days after the previous letter'
            as expected_value,
        'level ' || cast(spacing_ranked.dunning_level as {{ text }}) || ' letter on '
        || cast(spacing_ranked.letter_date as {{ text }}) || ', '
        || cast(spacing_ranked.days_since_previous as {{ text }}) || ' days after the previous letter'
        || case
            when sequence_facts.too_close_letters > 1
                then ' (' || cast(sequence_facts.too_close_letters as {{ text }}) || ' letters too close)'
            else ''
        end as observed_value,
        spacing_ranked.min_days_since_previous as expected_days,
        spacing_ranked.days_since_previous as observed_days,
        case
            when spacing_ranked.days_since_previous < spacing_ranked.min_days_since_previous
                then spacing_ranked.min_days_since_previous - spacing_ranked.days_since_previous
            when spacing_ranked.case_id is not null then 0
        end as deviation_days,
        case
            when sequence_facts.too_close_letters = 0 then sequence_facts.all_letter_event_ids
            else sequence_facts.too_close_event_ids
        end as evidence_event_ids,
        case
            when sequence_facts.too_close_letters = 0 then sequence_facts.letter_count
            else sequence_facts.too_close_event_count
        end as evidence_event_count
    from sequence_facts
    left join spacing_ranked
        on
            sequence_facts.case_id = spacing_ranked.case_id
            and spacing_ranked.spacing_rank = 1

),

checks as (

    select * from r03
    union all
    select * from r04

)

{{ conformance_rows('checks') }}
