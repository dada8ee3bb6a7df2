-- grain: one row per case (customer invoice), rule R06
-- R06: dunning letters sent after the invoice was settled (after its first INVOICE_SETTLED
-- event). The observed value names the first such letter; observed_days and deviation_days are
-- the days from the settlement to it. Evidence: the settlement and the letters after it
-- (violation), or the last letter and the settlement (pass). Judged by the version of the first
-- letter's date, for the record only. The rows of fct_dunning_conformance
-- (macro conformance_rows).
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}

with case_facts as (

    select * from {{ ref('int_conformance_case_facts') }}

),

letters as (

    select * from {{ ref('int_dunning_letters_flagged') }}

),

late_letters as (

    select
        letters.case_id,
        letters.event_id,
        letters.letter_seq,
        letters.letter_date,
        letters.dunning_level,
        row_number() over (partition by letters.case_id order by letters.letter_seq) as late_letter_rank
    from letters
    inner join case_facts
        on letters.case_id = case_facts.case_id
    where letters.event_timestamp > case_facts.settled_at

),

-- the settlement comes before every letter after it, and letter_seq is event order
late_letter_facts as (

    select
        case_id,
        count(*) as letters_after_settlement,
        {{ dbt.listagg('event_id', "','", 'order by letter_seq') }} as late_letter_event_ids
    from late_letters
    group by case_id

),

settlement_facts as (

    select
        case_facts.*,
        late_letters.letter_date as first_letter_after_settlement_date,
        late_letters.dunning_level as first_letter_after_settlement_level,
        late_letter_facts.late_letter_event_ids,
        coalesce(late_letter_facts.letters_after_settlement, 0) as letters_after_settlement,
        cast(
            {{ days_between('case_facts.settled_at', 'late_letters.letter_date') }} as {{ int }}
        ) as days_settlement_to_late_letter
    from case_facts
    left join late_letters
        on
            case_facts.case_id = late_letters.case_id
            and late_letters.late_letter_rank = 1
    left join late_letter_facts
        on case_facts.case_id = late_letter_facts.case_id

),

r06 as (

    select
        case_id,
        'R06' as rule_id,
        company_code,
        invoice_id,
        case when first_letter_date is null then due_policy_id else first_letter_policy_id end as policy_id,
        case when first_letter_date is null then due_policy_version else first_letter_policy_version end
            as policy_version,
        coalesce(first_letter_date, due_date) as policy_reference_date,
        case
            when letter_count = 0 then 'not_applicable'
            when settled_at is null then 'not_applicable'
            when letters_after_settlement > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when letter_count = 0 then 'no dunning letter'
            when settled_at is null then 'not settled'
        end as not_applicable_reason,
        'no letter after the settlement on ' || cast(cast(settled_at as date) as {{ text }}) as expected_value,
        case
            when letters_after_settlement > 0
                then
                    'level ' || cast(first_letter_after_settlement_level as {{ text }}) || ' letter on '
                    || cast(first_letter_after_settlement_date as {{ text }})
                    || case
                        when letters_after_settlement > 1
                            then ' (' || cast(letters_after_settlement as {{ text }}) || ' letters after settlement)'
                        else ''
                    end
            else 'letters sent: ' || cast(letter_count as {{ text }}) || ', none after the settlement'
        end as observed_value,
        cast(null as {{ int }}) as expected_days,
        days_settlement_to_late_letter as observed_days,
        case
            when letters_after_settlement > 0 then days_settlement_to_late_letter
            when settled_at is not null and letter_count > 0 then 0
        end as deviation_days,
        case
            when letters_after_settlement = 0 then {{ ordered_id_pair('last_letter', 'settled') }}
            else settled_event_id || ',' || late_letter_event_ids
        end as evidence_event_ids,
        case when letters_after_settlement = 0 then 2 else letters_after_settlement + 1 end as evidence_event_count
    from settlement_facts

)

{{ conformance_rows('r06') }}
