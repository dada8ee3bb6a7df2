-- grain: one row per case (customer invoice) and rule R01, R02, R09
-- The timing of the first dunning letter against the first level of the policy: R01 too early
-- (before min_days_after_due), R02 too late (after max_days_after_due) and R09 none at all
-- although open beyond max_days_after_due (until the invoice closed, or the as-of date). For R02
-- and R09 the days under an open dispute or promise to pay do not count (int_dunning_paused_days);
-- a late first letter is R02, never R09. R01 and R02 judge by the version in force on the first
-- letter's date, R09 by the version of the due date. The rows of fct_dunning_conformance (macro
-- conformance_rows).
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}

with case_facts as (

    select * from {{ ref('int_conformance_case_facts') }}

),

paused_days as (

    select * from {{ ref('int_dunning_paused_days') }}

),

case_pauses as (

    select
        case_facts.*,
        case
            when case_facts.first_letter_date is null then case_facts.due_policy_id
            else case_facts.first_letter_policy_id
        end as letter_policy_id,
        case
            when case_facts.first_letter_date is null then case_facts.due_policy_version
            else case_facts.first_letter_policy_version
        end as letter_policy_version,
        cast(coalesce(paused_days.paused_days_before_first_letter, 0) as {{ int }}) as paused_days_before_first_letter,
        cast(coalesce(paused_days.paused_days_before_close, 0) as {{ int }}) as paused_days_before_close
    from case_facts
    left join paused_days
        on case_facts.case_id = paused_days.case_id

),

-- the days after due that count: to the first letter (R02), to the close or the as-of date (R09)
timing_facts as (

    select
        *,
        first_letter_days_after_due - paused_days_before_first_letter as first_letter_counted_days_after_due,
        coalesce(days_due_to_close, days_due_to_as_of) - paused_days_before_close as days_open_after_due,
        case
            when letter_count > 0 then first_letter_days_after_due - paused_days_before_first_letter
            else coalesce(days_due_to_close, days_due_to_as_of) - paused_days_before_close
        end as days_until_letter_or_close
    from case_pauses

),

r01 as (

    select
        case_id,
        'R01' as rule_id,
        company_code,
        invoice_id,
        letter_policy_id as policy_id,
        letter_policy_version as policy_version,
        coalesce(first_letter_date, due_date) as policy_reference_date,
        case
            when letter_count = 0 then 'not_applicable'
            when due_date is null then 'not_applicable'
            when first_letter_policy_id is null then 'not_applicable'
            when first_min_days_after_due is null then 'not_applicable'
            when first_letter_days_after_due < first_min_days_after_due then 'violation'
            else 'pass'
        end as status,
        case
            when letter_count = 0 then 'no dunning letter'
            when due_date is null then 'no due date'
            when first_letter_policy_id is null then 'no dunning policy version applies'
            when first_min_days_after_due is null then 'the policy sets no minimum days after due for the first level'
        end as not_applicable_reason,
        'first letter at least ' || cast(first_min_days_after_due as {{ text }}) || ' days after the due date ('
        || cast(due_date as {{ text }}) || ')' as expected_value,
        'level ' || cast(first_letter_level as {{ text }}) || ' letter on ' || cast(first_letter_date as {{ text }})
        || ', ' || cast(first_letter_days_after_due as {{ text }}) || ' days after the due date' as observed_value,
        first_min_days_after_due as expected_days,
        first_letter_days_after_due as observed_days,
        case
            when first_letter_days_after_due < first_min_days_after_due
                then first_min_days_after_due - first_letter_days_after_due
            else 0
        end as deviation_days,
        first_letter_event_id as evidence_event_ids,
        1 as evidence_event_count
    from timing_facts

),

r02 as (

    select
        case_id,
        'R02' as rule_id,
        company_code,
        invoice_id,
        letter_policy_id as policy_id,
        letter_policy_version as policy_version,
        coalesce(first_letter_date, due_date) as policy_reference_date,
        case
            when letter_count = 0 then 'not_applicable'
            when due_date is null then 'not_applicable'
            when first_letter_policy_id is null then 'not_applicable'
            when first_max_days_after_due is null then 'not_applicable'
            when first_letter_counted_days_after_due > first_max_days_after_due then 'violation'
            else 'pass'
        end as status,
        case
            when letter_count = 0 then 'no dunning letter'
            when due_date is null then 'no due date'
            when first_letter_policy_id is null then 'no dunning policy version applies'
            when first_max_days_after_due is null then 'the policy sets no maximum days after due for the first level'
        end as not_applicable_reason,
        'first letter at most ' || cast(first_max_days_after_due as {{ text }}) || ' days after the due date ('
        || cast(due_date as {{ text }}) || ')' as expected_value,
        'level ' || cast(first_letter_level as {{ text }}) || ' letter on ' || cast(first_letter_date as {{ text }})
        || ', ' || cast(first_letter_days_after_due as {{ text }}) || ' days after the due date'
        || case
            when paused_days_before_first_letter > 0
                then
                    ' (' || cast(paused_days_before_first_letter as {{ text }})
                    || ' of them under an open dispute or promise, not counted)'
            else ''
        end as observed_value,
        first_max_days_after_due as expected_days,
        first_letter_counted_days_after_due as observed_days,
        case
            when first_letter_counted_days_after_due > first_max_days_after_due
                then first_letter_counted_days_after_due - first_max_days_after_due
            else 0
        end as deviation_days,
        first_letter_event_id as evidence_event_ids,
        1 as evidence_event_count
    from timing_facts

),

-- R09: an invoice still open beyond the maximum days after due needs a letter (a late one is R02)
r09 as (

    select
        case_id,
        'R09' as rule_id,
        company_code,
        invoice_id,
        due_policy_id as policy_id,
        due_policy_version as policy_version,
        due_date as policy_reference_date,
        case
            when due_date is null then 'not_applicable'
            when due_policy_id is null then 'not_applicable'
            when due_policy_max_days_after_due is null then 'not_applicable'
            when days_open_after_due <= due_policy_max_days_after_due then 'not_applicable'
            when letter_count = 0 then 'violation'
            else 'pass'
        end as status,
        case
            when due_date is null then 'no due date'
            when due_policy_id is null then 'no dunning policy version applies'
            when due_policy_max_days_after_due is null
                then 'the policy sets no maximum days after due for the first level'
            when days_open_after_due <= due_policy_max_days_after_due
                then 'not open beyond the maximum days after due'
        end as not_applicable_reason,
        'a letter once open ' || cast(due_policy_max_days_after_due as {{ text }}) || ' days after the due date ('
        || cast(due_date as {{ text }}) || ')' as expected_value,
        case
            when letter_count > 0
                then 'first letter on ' || cast(first_letter_date as {{ text }})
            when closed_date is not null
                then 'no letter; closed on ' || cast(closed_date as {{ text }})
            else 'no letter; open on ' || cast(as_of_date as {{ text }})
        end || ', ' || cast(days_until_letter_or_close as {{ text }}) || ' days after the due date'
        || case
            when letter_count > 0 and paused_days_before_first_letter > 0
                then
                    ' not counting ' || cast(paused_days_before_first_letter as {{ text }})
                    || ' days under an open dispute or promise'
            when letter_count = 0 and paused_days_before_close > 0
                then
                    ' not counting ' || cast(paused_days_before_close as {{ text }})
                    || ' days under an open dispute or promise'
            else ''
        end as observed_value,
        due_policy_max_days_after_due as expected_days,
        days_until_letter_or_close as observed_days,
        case
            when letter_count = 0 and days_open_after_due > due_policy_max_days_after_due
                then days_open_after_due - due_policy_max_days_after_due
            when days_open_after_due > due_policy_max_days_after_due then 0
        end as deviation_days,
        case
            when letter_count > 0 then first_letter_event_id
            else {{ ordered_id_pair('due_date_passed', 'closing') }}
        end as evidence_event_ids,
        case
            when letter_count > 0 then 1
            when due_date_passed_event_id is null or closing_event_id is null then 1
            else 2
        end as evidence_event_count
    from timing_facts

),

checks as (

    select * from r01
    union all
    select * from r02
    union all
    select * from r09

)

{{ conformance_rows('checks') }}
