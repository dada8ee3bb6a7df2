-- grain: one row per dunning letter (event_log event of levels 1-4) known on the as-of date
-- Every dunning letter of an invoice in `cases` dated on or before the as-of date, numbered in
-- event order, with the policy version in force on its date (int_dunning_policies_applied) and
-- the flags the sequence rules count: skips_level (R03) and too_close (R04), and the same flags
-- of the next letter, so that a rule can show each offending letter with the one before it.
{{ config(materialized='table') }}
{%- set int = dbt.type_int() %}

with cases as (

    select
        case_id,
        due_date,
        as_of_date,
        upper(trim(company_code)) as policy_company_key,
        coalesce(lower(trim(customer_segment)), '') as policy_segment_key
    from {{ ref('cases') }}

),

event_log as (

    select
        case_id,
        event_id,
        activity_order,
        event_timestamp,
        dunning_level
    from {{ ref('event_log') }}
    where activity_code like 'DUNNING_LETTER_%' and dunning_level is not null

),

policies_applied as (

    select * from {{ ref('int_dunning_policies_applied') }}

),

dunning_policy as (

    select * from {{ ref('dunning_policy') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

letters as (

    select
        event_log.case_id,
        event_log.event_id,
        event_log.event_timestamp,
        event_log.activity_order,
        event_log.dunning_level,
        cast(event_log.event_timestamp as date) as letter_date,
        cast(row_number() over (
            partition by event_log.case_id
            order by event_log.event_timestamp, event_log.activity_order, event_log.event_id
        ) as {{ int }}) as letter_seq,
        lag(event_log.dunning_level) over (
            partition by event_log.case_id
            order by event_log.event_timestamp, event_log.activity_order, event_log.event_id
        ) as previous_dunning_level,
        lag(cast(event_log.event_timestamp as date)) over (
            partition by event_log.case_id
            order by event_log.event_timestamp, event_log.activity_order, event_log.event_id
        ) as previous_letter_date
    from event_log
    cross join as_of
    where cast(event_log.event_timestamp as date) <= as_of.as_of_date

),

-- each letter against the version in force on its date; a level above the policy's highest is
-- held to the highest level's spacing
letters_checked as (

    select
        letters.case_id,
        letters.event_id,
        letters.event_timestamp,
        letters.activity_order,
        letters.dunning_level,
        letters.letter_date,
        letters.letter_seq,
        policies_applied.policy_id,
        policies_applied.policy_version,
        policies_applied.first_level,
        policies_applied.first_min_days_after_due,
        policies_applied.first_max_days_after_due,
        level_row.min_days_since_previous,
        cast({{ days_between('cases.due_date', 'letters.letter_date') }} as {{ int }}) as days_after_due,
        cast({{ days_between('letters.previous_letter_date', 'letters.letter_date') }} as {{ int }})
            as days_since_previous,
        case
            when letters.letter_seq = 1 and letters.dunning_level <> policies_applied.first_level then 1
            when letters.letter_seq > 1 and letters.dunning_level > letters.previous_dunning_level + 1 then 1
            else 0
        end as skips_level,
        case
            when
                {{ days_between('letters.previous_letter_date', 'letters.letter_date') }}
                < level_row.min_days_since_previous
                then 1
            else 0
        end as too_close
    from letters
    inner join cases
        on letters.case_id = cases.case_id
    left join policies_applied
        on
            cases.policy_company_key = policies_applied.policy_company_key
            and cases.policy_segment_key = policies_applied.policy_segment_key
            and letters.letter_date = policies_applied.reference_date
    left join dunning_policy as level_row
        on
            policies_applied.policy_id = level_row.policy_id
            and policies_applied.policy_version = level_row.policy_version
            and policies_applied.policy_company_code = level_row.company_code
            and policies_applied.policy_customer_segment = level_row.customer_segment
            and policies_applied.policy_valid_from = level_row.valid_from
            and least(letters.dunning_level, policies_applied.last_level) = level_row.dunning_level

)

select
    case_id,
    event_id,
    event_timestamp,
    activity_order,
    dunning_level,
    letter_date,
    letter_seq,
    policy_id,
    policy_version,
    first_level,
    first_min_days_after_due,
    first_max_days_after_due,
    min_days_since_previous,
    days_after_due,
    days_since_previous,
    skips_level,
    too_close,
    case when letter_seq = count(*) over (partition by case_id) then 1 else 0 end as is_last_letter,
    coalesce(lead(skips_level) over (partition by case_id order by letter_seq), 0) as next_skips_level,
    coalesce(lead(too_close) over (partition by case_id order by letter_seq), 0) as next_too_close
from letters_checked
