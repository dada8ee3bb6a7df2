-- grain: one row per case (customer invoice) of `cases`
-- What the dunning-conformance rules share about an invoice, as of the as-of date of `cases`:
-- its first and last dunning letters (int_dunning_letters_flagged), its first settlement,
-- write-off and Due Date Passed events, the event that closed it (the earlier of the first
-- settlement and the first write-off), and the policy versions in force
-- (int_dunning_policies_applied) on its due date and on its write-off date; the version of the
-- first letter's date comes with the letter.
{{ config(materialized='table') }}
{%- set int = dbt.type_int() %}
{%- set milestones = [
    ('INVOICE_SETTLED', 'settled'),
    ('INVOICE_WRITTEN_OFF', 'written_off'),
    ('DUE_DATE_PASSED', 'due_date_passed'),
] %}

with cases as (

    select
        case_id,
        company_code,
        invoice_id,
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
        activity_code,
        activity_order,
        event_timestamp
    from {{ ref('event_log') }}
    where activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF', 'DUE_DATE_PASSED')

),

letters as (

    select * from {{ ref('int_dunning_letters_flagged') }}

),

policies_applied as (

    select * from {{ ref('int_dunning_policies_applied') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

-- the first settlement, write-off and Due Date Passed of each case known on the as-of date
milestone_events as (

    select
        event_log.case_id,
        event_log.activity_code,
        event_log.event_id,
        event_log.event_timestamp,
        event_log.activity_order,
        row_number() over (
            partition by event_log.case_id, event_log.activity_code
            order by event_log.event_timestamp, event_log.activity_order, event_log.event_id
        ) as occurrence
    from event_log
    cross join as_of
    where cast(event_log.event_timestamp as date) <= as_of.as_of_date

),

milestones as (

    select
        case_id,
        {%- for code, prefix in milestones %}
        max(case when activity_code = '{{ code }}' then event_id end) as {{ prefix }}_event_id,
        max(case when activity_code = '{{ code }}' then event_timestamp end) as {{ prefix }}_at,
        max(case when activity_code = '{{ code }}' then activity_order end) as {{ prefix }}_activity_order
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from milestone_events
    where occurrence = 1
    group by case_id

),

case_facts as (

    select
        cases.case_id,
        cases.company_code,
        cases.invoice_id,
        cases.due_date,
        as_of.as_of_date,
        first_letter.event_id as first_letter_event_id,
        first_letter.letter_date as first_letter_date,
        first_letter.dunning_level as first_letter_level,
        first_letter.days_after_due as first_letter_days_after_due,
        first_letter.policy_id as first_letter_policy_id,
        first_letter.policy_version as first_letter_policy_version,
        first_letter.first_min_days_after_due,
        first_letter.first_max_days_after_due,
        last_letter.event_id as last_letter_event_id,
        last_letter.event_timestamp as last_letter_at,
        last_letter.activity_order as last_letter_activity_order,
        due_policy.policy_id as due_policy_id,
        due_policy.policy_version as due_policy_version,
        due_policy.first_max_days_after_due as due_policy_max_days_after_due,
        write_off_policy.policy_id as write_off_policy_id,
        write_off_policy.policy_version as write_off_policy_version,
        write_off_policy.final_level,
        write_off_policy.write_off_min_days_after_final,
        {%- for code, prefix in milestones %}
        milestones.{{ prefix }}_event_id,
        milestones.{{ prefix }}_at,
        milestones.{{ prefix }}_activity_order,
        {%- endfor %}
        cast(milestones.written_off_at as date) as written_off_date,
        cast(coalesce(last_letter.letter_seq, 0) as {{ int }}) as letter_count,
        {%- for column in ['event_id', 'at', 'activity_order'] %}
        case
            when milestones.written_off_at is null then milestones.settled_{{ column }}
            when milestones.settled_at is null then milestones.written_off_{{ column }}
            when milestones.settled_at <= milestones.written_off_at then milestones.settled_{{ column }}
            else milestones.written_off_{{ column }}
        end as closing_{{ column }},
        {%- endfor %}
        case
            when milestones.written_off_at is null then cast(milestones.settled_at as date)
            when milestones.settled_at is null then cast(milestones.written_off_at as date)
            when milestones.settled_at <= milestones.written_off_at then cast(milestones.settled_at as date)
            else cast(milestones.written_off_at as date)
        end as closed_date
    from cases
    cross join as_of
    left join letters as first_letter
        on
            cases.case_id = first_letter.case_id
            and first_letter.letter_seq = 1
    left join letters as last_letter
        on
            cases.case_id = last_letter.case_id
            and last_letter.is_last_letter = 1
    left join milestones
        on cases.case_id = milestones.case_id
    left join policies_applied as due_policy
        on
            cases.policy_company_key = due_policy.policy_company_key
            and cases.policy_segment_key = due_policy.policy_segment_key
            and cases.due_date = due_policy.reference_date
    left join policies_applied as write_off_policy
        on
            cases.policy_company_key = write_off_policy.policy_company_key
            and cases.policy_segment_key = write_off_policy.policy_segment_key
            and cast(milestones.written_off_at as date) = write_off_policy.reference_date

)

select
    case_id,
    company_code,
    invoice_id,
    due_date,
    as_of_date,
    first_letter_date,
    written_off_date,
    closed_date,
    letter_count,
    first_letter_event_id,
    first_letter_level,
    first_letter_days_after_due,
    first_letter_policy_id,
    first_letter_policy_version,
    first_min_days_after_due,
    first_max_days_after_due,
    last_letter_event_id,
    last_letter_at,
    last_letter_activity_order,
    due_policy_id,
    due_policy_version,
    due_policy_max_days_after_due,
    write_off_policy_id,
    write_off_policy_version,
    final_level,
    write_off_min_days_after_final,
    {%- for code, prefix in milestones %}
    {{ prefix }}_event_id,
    {{ prefix }}_at,
    {{ prefix }}_activity_order,
    {%- endfor %}
    closing_event_id,
    closing_at,
    closing_activity_order,
    cast({{ days_between('due_date', 'closed_date') }} as {{ int }}) as days_due_to_close,
    cast({{ days_between('due_date', 'as_of_date') }} as {{ int }}) as days_due_to_as_of
from case_facts
