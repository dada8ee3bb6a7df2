-- grain: one row per case (customer invoice), rule R08
-- R08: a write-off (the first INVOICE_WRITTEN_OFF event) without a dunning letter at or above the
-- final level of the policy version in force on the write-off date, or earlier than that
-- version's write_off_min_days_after_final after the first such letter. Evidence: that letter
-- and the write-off. The rows of fct_dunning_conformance (macro conformance_rows).
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}

with case_facts as (

    select * from {{ ref('int_conformance_case_facts') }}

),

letters as (

    select * from {{ ref('int_dunning_letters_flagged') }}

),

-- the first letter at or above the final level
final_letters as (

    select
        case_facts.case_id,
        letters.event_id,
        letters.event_timestamp,
        letters.activity_order,
        letters.letter_date,
        letters.dunning_level,
        row_number() over (
            partition by case_facts.case_id order by letters.letter_seq
        ) as final_letter_rank
    from case_facts
    inner join letters
        on
            case_facts.case_id = letters.case_id
            and case_facts.final_level <= letters.dunning_level
    where case_facts.written_off_at is not null

),

write_off_facts as (

    select
        case_facts.*,
        final_letters.event_id as final_letter_event_id,
        final_letters.event_timestamp as final_letter_at,
        final_letters.activity_order as final_letter_activity_order,
        final_letters.letter_date as final_letter_date,
        final_letters.dunning_level as final_letter_level,
        cast({{ days_between('final_letters.letter_date', 'case_facts.written_off_date') }} as {{ int }})
            as days_final_letter_to_write_off,
        coalesce(case_facts.write_off_min_days_after_final, 0) as min_days_after_final
    from case_facts
    left join final_letters
        on
            case_facts.case_id = final_letters.case_id
            and final_letters.final_letter_rank = 1

),

r08 as (

    select
        case_id,
        'R08' as rule_id,
        company_code,
        invoice_id,
        case when written_off_date is null then due_policy_id else write_off_policy_id end as policy_id,
        case when written_off_date is null then due_policy_version else write_off_policy_version end
            as policy_version,
        coalesce(written_off_date, due_date) as policy_reference_date,
        case
            when written_off_at is null then 'not_applicable'
            when write_off_policy_id is null then 'not_applicable'
            when final_letter_event_id is null then 'violation'
            when days_final_letter_to_write_off < min_days_after_final then 'violation'
            else 'pass'
        end as status,
        case
            when written_off_at is null then 'not written off'
            when write_off_policy_id is null then 'no dunning policy version applies'
        end as not_applicable_reason,
        'a level ' || cast(final_level as {{ text }}) || ' (final) letter, then the write-off at least '
        || cast(min_days_after_final as {{ text }}) || ' days later' as expected_value,
        case
            when final_letter_event_id is null
                then 'written off on ' || cast(written_off_date as {{ text }}) || ' without a final-level letter'
            else
                'written off on ' || cast(written_off_date as {{ text }}) || ', '
                || cast(days_final_letter_to_write_off as {{ text }}) || ' days after the level '
                || cast(final_letter_level as {{ text }}) || ' letter of ' || cast(final_letter_date as {{ text }})
        end as observed_value,
        min_days_after_final as expected_days,
        days_final_letter_to_write_off as observed_days,
        case
            when days_final_letter_to_write_off < min_days_after_final
                then min_days_after_final - days_final_letter_to_write_off
            when days_final_letter_to_write_off is not null then 0
        end as deviation_days,
        {{ ordered_id_pair('final_letter', 'written_off') }} as evidence_event_ids,
        case when final_letter_event_id is null then 1 else 2 end as evidence_event_count
    from write_off_facts

)

{{ conformance_rows('r08') }}
