-- grain: one row per case (customer invoice) and dunning rule (R01-R09)
-- How each invoice's dunning conforms to the dunning policy (seed dunning_policy), as of the
-- as-of date of `cases`: per rule a status, the expected and the observed value, the deviation
-- in days, the policy version applied and the events that prove the status.
-- Only events dated on or before the as-of date count. Days are whole calendar days between
-- UTC dates. The policy version of a rule is the one valid on the date the rule judges: the
-- first letter (R01-R03), the later letter of the pair reported (R04), the first letter
-- (R05-R07, for the record only), the write-off (R08), the due date (R09 and rows without a
-- letter); among the versions valid that day, the most specific wins (company before segment,
-- then the latest valid_from, then the highest policy_version).
{%- set text = dbt.type_string() %}
{%- set int = dbt.type_int() %}
{#- carried from `cases` and from the policy version applied into every rule's rows; the other
    attributes of the invoice (segment, collector, due date) are in `cases`, those of the policy
    version in the seed: a join on case_id or on (policy_id, policy_version) finds them -#}
{%- set case_columns = ['company_code', 'invoice_id'] %}
{%- set policy_columns = ['policy_id', 'policy_version'] %}

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
        event_timestamp,
        dunning_level,
        source_system,
        source_record_id
    from {{ ref('event_log') }}
    where
        (activity_code like 'DUNNING_LETTER_%' and dunning_level is not null)
        or activity_code in (
            'DUE_DATE_PASSED', 'DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'PROMISE_TO_PAY_MADE',
            'PROMISE_TO_PAY_KEPT', 'PROMISE_TO_PAY_BROKEN', 'PROMISE_TO_PAY_CANCELLED', 'INVOICE_SETTLED',
            'INVOICE_WRITTEN_OFF'
        )

),

dunning_policy as (

    select * from {{ ref('dunning_policy') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

-- the events known on the as-of date
known_events as (

    select
        event_log.case_id,
        event_log.event_id,
        event_log.activity_code,
        event_log.activity_order,
        event_log.event_timestamp,
        event_log.dunning_level,
        event_log.source_system,
        event_log.source_record_id
    from event_log
    cross join as_of
    where cast(event_log.event_timestamp as date) <= as_of.as_of_date

),

letters as (

    select
        case_id,
        event_id,
        event_timestamp,
        activity_order,
        dunning_level,
        cast(event_timestamp as date) as letter_date,
        row_number() over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as letter_seq,
        lag(dunning_level) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as previous_dunning_level,
        lag(cast(event_timestamp as date)) over (
            partition by case_id order by event_timestamp, activity_order, event_id
        ) as previous_letter_date
    from known_events
    where activity_code like 'DUNNING_LETTER_%'

),

-- first settlement, write-off and Due Date Passed of each case
milestone_events as (

    select
        case_id,
        activity_code,
        event_id,
        event_timestamp,
        activity_order,
        row_number() over (
            partition by case_id, activity_code order by event_timestamp, activity_order, event_id
        ) as occurrence
    from known_events
    where activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF', 'DUE_DATE_PASSED')

),

milestones as (

    select
        case_id,
        {%- for code, prefix in [
            ('INVOICE_SETTLED', 'settled'),
            ('INVOICE_WRITTEN_OFF', 'written_off'),
            ('DUE_DATE_PASSED', 'due_date_passed'),
        ] %}
        max(case when activity_code = '{{ code }}' then event_id end) as {{ prefix }}_event_id,
        max(case when activity_code = '{{ code }}' then event_timestamp end) as {{ prefix }}_at,
        max(case when activity_code = '{{ code }}' then activity_order end) as {{ prefix }}_activity_order
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from milestone_events
    where occurrence = 1
    group by case_id

),

-- ---------------------------------------------------------------- the policy version that applies
policy_versions as (

    select
        policy_id,
        policy_version,
        company_code,
        customer_segment,
        valid_from,
        max(valid_to) as valid_to,
        min(dunning_level) as first_level,
        max(dunning_level) as last_level,
        min(case when is_final_level then dunning_level end) as final_level
    from dunning_policy
    group by policy_id, policy_version, company_code, customer_segment, valid_from

),

policy_terms as (

    select
        policy_versions.policy_id,
        policy_versions.policy_version,
        policy_versions.company_code,
        policy_versions.customer_segment,
        policy_versions.valid_from,
        policy_versions.valid_to,
        policy_versions.first_level,
        policy_versions.last_level,
        policy_versions.final_level,
        first_row.min_days_after_due as first_min_days_after_due,
        first_row.max_days_after_due as first_max_days_after_due,
        final_row.write_off_min_days_after_final,
        upper(trim(policy_versions.company_code)) as policy_company_key,
        lower(trim(policy_versions.customer_segment)) as policy_segment_key,
        case when trim(policy_versions.company_code) = '*' then 0 else 2 end
        + case when trim(policy_versions.customer_segment) = '*' then 0 else 1 end as specificity
    from policy_versions
    left join dunning_policy as first_row
        on
            policy_versions.policy_id = first_row.policy_id
            and policy_versions.policy_version = first_row.policy_version
            and policy_versions.company_code = first_row.company_code
            and policy_versions.customer_segment = first_row.customer_segment
            and policy_versions.valid_from = first_row.valid_from
            and policy_versions.first_level = first_row.dunning_level
    left join dunning_policy as final_row
        on
            policy_versions.policy_id = final_row.policy_id
            and policy_versions.policy_version = final_row.policy_version
            and policy_versions.company_code = final_row.company_code
            and policy_versions.customer_segment = final_row.customer_segment
            and policy_versions.valid_from = final_row.valid_from
            and policy_versions.final_level = final_row.dunning_level

),

-- every (company, segment, date) a rule judges: letter dates, due dates, write-off dates
policy_lookups as (

    select
        cases.policy_company_key,
        cases.policy_segment_key,
        letters.letter_date as reference_date
    from letters
    inner join cases
        on letters.case_id = cases.case_id

    union

    select
        policy_company_key,
        policy_segment_key,
        due_date as reference_date
    from cases
    where due_date is not null

    union

    select
        cases.policy_company_key,
        cases.policy_segment_key,
        cast(milestones.written_off_at as date) as reference_date
    from milestones
    inner join cases
        on milestones.case_id = cases.case_id
    where milestones.written_off_at is not null

),

policy_candidates as (

    select
        policy_lookups.policy_company_key,
        policy_lookups.policy_segment_key,
        policy_lookups.reference_date,
        policy_terms.policy_id,
        policy_terms.policy_version,
        policy_terms.company_code as policy_company_code,
        policy_terms.customer_segment as policy_customer_segment,
        policy_terms.valid_from as policy_valid_from,
        policy_terms.first_level,
        policy_terms.last_level,
        policy_terms.final_level,
        policy_terms.first_min_days_after_due,
        policy_terms.first_max_days_after_due,
        policy_terms.write_off_min_days_after_final,
        row_number() over (
            partition by
                policy_lookups.policy_company_key,
                policy_lookups.policy_segment_key,
                policy_lookups.reference_date
            order by
                policy_terms.specificity desc,
                policy_terms.valid_from desc,
                policy_terms.policy_version desc,
                policy_terms.policy_id asc
        ) as candidate_rank
    from policy_lookups
    inner join policy_terms
        on
            (
                policy_terms.policy_company_key = '*'
                or policy_lookups.policy_company_key = policy_terms.policy_company_key
            )
            and (
                policy_terms.policy_segment_key = '*'
                or policy_lookups.policy_segment_key = policy_terms.policy_segment_key
            )
            and policy_lookups.reference_date >= policy_terms.valid_from
            and policy_lookups.reference_date <= policy_terms.valid_to

),

applicable_policy as (

    select
        policy_company_key,
        policy_segment_key,
        reference_date,
        policy_id,
        policy_version,
        policy_company_code,
        policy_customer_segment,
        policy_valid_from,
        first_level,
        last_level,
        final_level,
        first_min_days_after_due,
        first_max_days_after_due,
        write_off_min_days_after_final
    from policy_candidates
    where candidate_rank = 1

),

-- ---------------------------------------------------------------- letters against their policy
letters_checked as (

    select
        letters.case_id,
        letters.event_id,
        letters.event_timestamp,
        letters.activity_order,
        letters.dunning_level,
        letters.letter_date,
        letters.letter_seq,
        letters.previous_dunning_level,
        letters.previous_letter_date,
        {%- for column in policy_columns %}
        applicable_policy.{{ column }},
        {%- endfor %}
        applicable_policy.first_level,
        applicable_policy.first_min_days_after_due,
        applicable_policy.first_max_days_after_due,
        level_row.min_days_since_previous,
        cast({{ days_between('cases.due_date', 'letters.letter_date') }} as {{ int }}) as days_after_due,
        cast({{ days_between('letters.previous_letter_date', 'letters.letter_date') }} as {{ int }})
            as days_since_previous,
        case
            when letters.letter_seq = 1 and letters.dunning_level <> applicable_policy.first_level then 1
            when letters.letter_seq > 1 and letters.dunning_level > letters.previous_dunning_level + 1 then 1
            else 0
        end as skips_level,
        case
            when
                {{ days_between('letters.previous_letter_date', 'letters.letter_date') }}
                < level_row.min_days_since_previous
                then 1
            else 0
        end as too_close,
        case when letters.event_timestamp > milestones.settled_at then 1 else 0 end as after_settlement
    from letters
    inner join cases
        on letters.case_id = cases.case_id
    left join milestones
        on letters.case_id = milestones.case_id
    left join applicable_policy
        on
            cases.policy_company_key = applicable_policy.policy_company_key
            and cases.policy_segment_key = applicable_policy.policy_segment_key
            and letters.letter_date = applicable_policy.reference_date
    -- a level above the policy's highest is held to the highest level's spacing
    left join dunning_policy as level_row
        on
            applicable_policy.policy_id = level_row.policy_id
            and applicable_policy.policy_version = level_row.policy_version
            and applicable_policy.policy_company_code = level_row.company_code
            and applicable_policy.policy_customer_segment = level_row.customer_segment
            and applicable_policy.policy_valid_from = level_row.valid_from
            and least(letters.dunning_level, applicable_policy.last_level) = level_row.dunning_level

),

letters_flagged as (

    select
        case_id,
        event_id,
        event_timestamp,
        activity_order,
        dunning_level,
        letter_date,
        letter_seq,
        days_since_previous,
        min_days_since_previous,
        skips_level,
        too_close,
        after_settlement,
        coalesce(lead(skips_level) over (partition by case_id order by letter_seq), 0) as next_skips_level,
        coalesce(lead(too_close) over (partition by case_id order by letter_seq), 0) as next_too_close,
        case when letter_seq = count(*) over (partition by case_id) then 1 else 0 end as is_last_letter
    from letters_checked

),

letter_facts as (

    select
        case_id,
        count(*) as letter_count,
        sum(skips_level) as skipping_letters,
        sum(too_close) as too_close_letters,
        sum(after_settlement) as letters_after_settlement,
        min(case when after_settlement = 1 then letter_seq end) as first_after_settlement_seq,
        {{ dbt.listagg('cast(dunning_level as ' ~ text ~ ')', "', '", 'order by letter_seq') }} as level_sequence,
        {{ dbt.listagg('event_id', "','", 'order by letter_seq') }} as all_letter_event_ids
    from letters_checked
    group by case_id

),

-- R04: the pair of consecutive letters closest to (or furthest below) its minimum spacing
spacing_ranked as (

    select
        case_id,
        event_id,
        letter_date,
        dunning_level,
        days_since_previous,
        min_days_since_previous,
        {%- for column in policy_columns %}
        {{ column }},
        {%- endfor %}
        row_number() over (
            partition by case_id order by days_since_previous - min_days_since_previous, letter_seq
        ) as spacing_rank
    from letters_checked
    where letter_seq > 1 and min_days_since_previous is not null

),

-- ---------------------------------------------------------------- disputes (R05) and promises (R07)
interval_events as (

    select
        case_id,
        event_id,
        event_timestamp,
        activity_order,
        source_system,
        source_record_id,
        case when activity_code in ('DISPUTE_OPENED', 'DISPUTE_RESOLVED') then 'R05' else 'R07' end as rule_id,
        case when activity_code in ('DISPUTE_OPENED', 'PROMISE_TO_PAY_MADE') then 'start' else 'end' end as bound
    from known_events
    where
        activity_code in (
            'DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'PROMISE_TO_PAY_MADE', 'PROMISE_TO_PAY_KEPT',
            'PROMISE_TO_PAY_BROKEN', 'PROMISE_TO_PAY_CANCELLED'
        )

),

interval_events_numbered as (

    select
        case_id,
        event_id,
        event_timestamp,
        activity_order,
        source_system,
        source_record_id,
        rule_id,
        bound,
        row_number() over (
            partition by case_id, rule_id, bound order by event_timestamp, activity_order, event_id
        ) as occurrence
    from interval_events

),

-- each opening is closed by its own end (as in the macro paired_events with pair_by_record):
-- HighRadius, the end of the same record (dispute_id, p2p_id); D365, the first end of the case
-- after it from another custdisputehistory row (the invoice's next status change). A promise
-- cancelled or replaced by a new one ends its own interval.
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
            starts.rule_id = ends.rule_id
            and ends.bound = 'end'
            and {{ closes_its_own_opening('starts', 'ends') }}
    where starts.bound = 'start'

),

intervals as (

    select
        starts.case_id,
        starts.rule_id,
        starts.occurrence,
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

),

letters_in_intervals as (

    select
        intervals.case_id,
        intervals.rule_id,
        intervals.start_event_id,
        intervals.started_at,
        intervals.start_activity_order,
        intervals.end_event_id,
        intervals.ended_at,
        intervals.end_activity_order,
        letters.event_id as letter_event_id,
        letters.event_timestamp as letter_at,
        letters.activity_order as letter_activity_order,
        letters.letter_date,
        letters.dunning_level,
        row_number() over (
            partition by intervals.case_id, intervals.rule_id
            order by letters.letter_seq, intervals.occurrence
        ) as offence_rank
    from intervals
    inner join letters
        on
            intervals.case_id = letters.case_id
            and intervals.started_at < letters.event_timestamp
            and (intervals.ended_at is null or intervals.ended_at > letters.event_timestamp)

),

interval_offences as (

    select
        case_id,
        rule_id,
        count(distinct letter_event_id) as letters_inside
    from letters_in_intervals
    group by case_id, rule_id

),

interval_facts as (

    select
        intervals.case_id,
        intervals.rule_id,
        count(*) as interval_count,
        max(offences.letters_inside) as letters_inside
    from intervals
    left join interval_offences as offences
        on
            intervals.case_id = offences.case_id
            and intervals.rule_id = offences.rule_id
    group by intervals.case_id, intervals.rule_id

),

-- ---------------------------------------------------------------- one row per case with what the rules need
case_facts as (

    select
        cases.case_id,
        {%- for column in case_columns %}
        cases.{{ column }},
        {%- endfor %}
        cases.due_date,
        as_of.as_of_date,
        letter_facts.skipping_letters,
        letter_facts.too_close_letters,
        letter_facts.letters_after_settlement,
        letter_facts.level_sequence,
        letter_facts.all_letter_event_ids,
        first_letter.event_id as first_letter_event_id,
        first_letter.letter_date as first_letter_date,
        first_letter.dunning_level as first_letter_level,
        first_letter.days_after_due as first_letter_days_after_due,
        {%- for column in policy_columns %}
        first_letter.{{ column }} as first_letter_{{ column }},
        due_policy.{{ column }} as due_{{ column }},
        write_off_policy.{{ column }} as write_off_{{ column }},
        {%- endfor %}
        first_letter.first_min_days_after_due,
        first_letter.first_max_days_after_due,
        last_letter.event_id as last_letter_event_id,
        last_letter.event_timestamp as last_letter_at,
        last_letter.activity_order as last_letter_activity_order,
        late_letter.letter_date as first_letter_after_settlement_date,
        late_letter.dunning_level as first_letter_after_settlement_level,
        milestones.settled_event_id,
        milestones.settled_at,
        milestones.settled_activity_order,
        milestones.written_off_event_id,
        milestones.written_off_at,
        milestones.written_off_activity_order,
        milestones.due_date_passed_event_id,
        milestones.due_date_passed_at,
        milestones.due_date_passed_activity_order,
        due_policy.first_max_days_after_due as due_policy_max_days_after_due,
        write_off_policy.final_level,
        write_off_policy.write_off_min_days_after_final,
        cast(milestones.written_off_at as date) as written_off_date,
        coalesce(letter_facts.letter_count, 0) as letter_count,
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
    left join letter_facts
        on cases.case_id = letter_facts.case_id
    left join letters_checked as first_letter
        on
            cases.case_id = first_letter.case_id
            and first_letter.letter_seq = 1
    left join letters_checked as last_letter
        on
            letter_facts.case_id = last_letter.case_id
            and letter_facts.letter_count = last_letter.letter_seq
    left join letters_checked as late_letter
        on
            letter_facts.case_id = late_letter.case_id
            and letter_facts.first_after_settlement_seq = late_letter.letter_seq
    left join milestones
        on cases.case_id = milestones.case_id
    left join applicable_policy as due_policy
        on
            cases.policy_company_key = due_policy.policy_company_key
            and cases.policy_segment_key = due_policy.policy_segment_key
            and cases.due_date = due_policy.reference_date
    left join applicable_policy as write_off_policy
        on
            cases.policy_company_key = write_off_policy.policy_company_key
            and cases.policy_segment_key = write_off_policy.policy_segment_key
            and cast(milestones.written_off_at as date) = write_off_policy.reference_date

),

-- ---------------------------------------------------------------- R02 / R09: days under an open dispute or promise
-- While a dispute or a promise to pay is open, letters are forbidden (R05 / R07), so those days do
-- not count towards the policy's maximum days after due. Each interval covers the dates
-- [start date, end date); one still open at the as-of date runs to its end. Overlapping intervals
-- are merged (gaps and islands), so a day counts once.
pause_ranges as (

    select
        intervals.case_id,
        cast(intervals.started_at as date) as start_date,
        coalesce(
            cast(intervals.ended_at as date), cast({{ dbt.dateadd('day', 1, 'as_of.as_of_date') }} as date)
        ) as end_date
    from intervals
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

-- paused days after the due date: up to the first letter (R02) and up to the close or the as-of
-- date (R09), i.e. the days of (due date, that date] inside an island
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

),

pause_facts as (

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

),

-- R08: the first letter at or above the final level of the policy valid on the write-off date
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

case_rule_facts as (

    select
        case_facts.*,
        final_letters.event_id as final_letter_event_id,
        final_letters.event_timestamp as final_letter_at,
        final_letters.activity_order as final_letter_activity_order,
        final_letters.letter_date as final_letter_date,
        final_letters.dunning_level as final_letter_level,
        cast({{ days_between('final_letters.letter_date', 'case_facts.written_off_date') }} as {{ int }})
            as days_final_letter_to_write_off,
        cast({{ days_between('case_facts.due_date', 'case_facts.closed_date') }} as {{ int }})
            as days_due_to_close,
        cast({{ days_between('case_facts.due_date', 'case_facts.as_of_date') }} as {{ int }})
            as days_due_to_as_of,
        cast(
            {{ days_between('case_facts.settled_at', 'case_facts.first_letter_after_settlement_date') }} as {{ int }}
        ) as days_settlement_to_late_letter,
        cast(coalesce(pause_facts.paused_days_before_first_letter, 0) as {{ int }}) as paused_days_before_first_letter,
        cast(coalesce(pause_facts.paused_days_before_close, 0) as {{ int }}) as paused_days_before_close,
        cast(
            case_facts.first_letter_days_after_due - coalesce(pause_facts.paused_days_before_first_letter, 0)
            as {{ int }}
        ) as first_letter_counted_days_after_due
    from case_facts
    left join final_letters
        on
            case_facts.case_id = final_letters.case_id
            and final_letters.final_letter_rank = 1
    left join pause_facts
        on case_facts.case_id = pause_facts.case_id

),

-- ---------------------------------------------------------------- the rules
r01 as (

    select
        case_id,
        'R01' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case when first_letter_date is null then due_{{ column }} else first_letter_{{ column }} end
            as {{ column }},
        {%- endfor %}
        first_letter_date as policy_reference_date,
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
    from case_rule_facts

),

r02 as (

    select
        case_id,
        'R02' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case when first_letter_date is null then due_{{ column }} else first_letter_{{ column }} end
            as {{ column }},
        {%- endfor %}
        first_letter_date as policy_reference_date,
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
    from case_rule_facts

),

r03 as (

    select
        case_id,
        'R03' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case when first_letter_date is null then due_{{ column }} else first_letter_{{ column }} end
            as {{ column }},
        {%- endfor %}
        first_letter_date as policy_reference_date,
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
        case when skipping_letters = 0 then all_letter_event_ids end as evidence_event_ids,
        case when skipping_letters = 0 then letter_count end as evidence_event_count
    from case_rule_facts

),

r04 as (

    select
        case_rule_facts.case_id,
        'R04' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        case_rule_facts.{{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case
            when spacing_ranked.case_id is not null then spacing_ranked.{{ column }}
            when case_rule_facts.first_letter_date is not null then case_rule_facts.first_letter_{{ column }}
            else case_rule_facts.due_{{ column }}
        end as {{ column }},
        {%- endfor %}
        coalesce(spacing_ranked.letter_date, case_rule_facts.first_letter_date) as policy_reference_date,
        case
            when case_rule_facts.letter_count < 2 then 'not_applicable'
            when case_rule_facts.first_letter_policy_id is null then 'not_applicable'
            when spacing_ranked.case_id is null then 'not_applicable'
            when case_rule_facts.too_close_letters > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when case_rule_facts.letter_count < 2 then 'fewer than two dunning letters'
            when case_rule_facts.first_letter_policy_id is null then 'no dunning policy version applies'
            when spacing_ranked.case_id is null then 'the policy sets no minimum days between these levels'
        end as not_applicable_reason,
        'level ' || cast(spacing_ranked.dunning_level as {{ text }}) || ' at least '
        || cast(spacing_ranked.min_days_since_previous as {{ text }}) || ' days after the previous letter'
            as expected_value,
        'level ' || cast(spacing_ranked.dunning_level as {{ text }}) || ' letter on '
        || cast(spacing_ranked.letter_date as {{ text }}) || ', '
        || cast(spacing_ranked.days_since_previous as {{ text }}) || ' days after the previous letter'
        || case
            when case_rule_facts.too_close_letters > 1
                then ' (' || cast(case_rule_facts.too_close_letters as {{ text }}) || ' letters too close)'
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
            when case_rule_facts.too_close_letters = 0 then case_rule_facts.all_letter_event_ids
        end as evidence_event_ids,
        case when case_rule_facts.too_close_letters = 0 then case_rule_facts.letter_count end as evidence_event_count
    from case_rule_facts
    left join spacing_ranked
        on
            case_rule_facts.case_id = spacing_ranked.case_id
            and spacing_ranked.spacing_rank = 1

),

{%- for rule_id, what, event in [('R05', 'dispute', 'opened'), ('R07', 'promise to pay', 'made')] %}

{{ rule_id | lower }} as (

    select
        case_rule_facts.case_id,
        '{{ rule_id }}' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        case_rule_facts.{{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case
            when case_rule_facts.first_letter_date is null then case_rule_facts.due_{{ column }}
            else case_rule_facts.first_letter_{{ column }}
        end as {{ column }},
        {%- endfor %}
        case_rule_facts.first_letter_date as policy_reference_date,
        case
            when case_rule_facts.letter_count = 0 then 'not_applicable'
            when interval_facts.case_id is null then 'not_applicable'
            when interval_facts.letters_inside > 0 then 'violation'
            else 'pass'
        end as status,
        case
            when case_rule_facts.letter_count = 0 then 'no dunning letter'
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
                'letters sent: ' || cast(case_rule_facts.letter_count as {{ text }})
                || ', none while a {{ what }} was open ({{ what }}s: '
                || cast(interval_facts.interval_count as {{ text }}) || ')'
        end as observed_value,
        cast(null as {{ int }}) as expected_days,
        cast(null as {{ int }}) as observed_days,
        cast(null as {{ int }}) as deviation_days,
        cast(null as {{ text }}) as evidence_event_ids,
        cast(null as {{ int }}) as evidence_event_count
    from case_rule_facts
    left join interval_facts
        on
            case_rule_facts.case_id = interval_facts.case_id
            and interval_facts.rule_id = '{{ rule_id }}'
    left join letters_in_intervals as offence
        on
            case_rule_facts.case_id = offence.case_id
            and offence.rule_id = '{{ rule_id }}'
            and offence.offence_rank = 1

),
{%- endfor %}

r06 as (

    select
        case_id,
        'R06' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case when first_letter_date is null then due_{{ column }} else first_letter_{{ column }} end
            as {{ column }},
        {%- endfor %}
        first_letter_date as policy_reference_date,
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
        end as evidence_event_ids,
        case when letters_after_settlement = 0 then 2 end as evidence_event_count
    from case_rule_facts

),

r08 as (

    select
        case_id,
        'R08' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        case when written_off_date is null then due_{{ column }} else write_off_{{ column }} end
            as {{ column }},
        {%- endfor %}
        written_off_date as policy_reference_date,
        case
            when written_off_at is null then 'not_applicable'
            when write_off_policy_id is null then 'not_applicable'
            when final_letter_event_id is null then 'violation'
            when days_final_letter_to_write_off < coalesce(write_off_min_days_after_final, 0) then 'violation'
            else 'pass'
        end as status,
        case
            when written_off_at is null then 'not written off'
            when write_off_policy_id is null then 'no dunning policy version applies'
        end as not_applicable_reason,
        'a level ' || cast(final_level as {{ text }}) || ' (final) letter, then the write-off at least '
        || cast(coalesce(write_off_min_days_after_final, 0) as {{ text }}) || ' days later' as expected_value,
        case
            when final_letter_event_id is null
                then 'written off on ' || cast(written_off_date as {{ text }}) || ' without a final-level letter'
            else
                'written off on ' || cast(written_off_date as {{ text }}) || ', '
                || cast(days_final_letter_to_write_off as {{ text }}) || ' days after the level '
                || cast(final_letter_level as {{ text }}) || ' letter of ' || cast(final_letter_date as {{ text }})
        end as observed_value,
        coalesce(write_off_min_days_after_final, 0) as expected_days,
        days_final_letter_to_write_off as observed_days,
        case
            when days_final_letter_to_write_off < coalesce(write_off_min_days_after_final, 0)
                then coalesce(write_off_min_days_after_final, 0) - days_final_letter_to_write_off
            when days_final_letter_to_write_off is not null then 0
        end as deviation_days,
        {{ ordered_id_pair('final_letter', 'written_off') }} as evidence_event_ids,
        case when final_letter_event_id is null then 1 else 2 end as evidence_event_count
    from case_rule_facts

),

-- R09: an invoice still open beyond the maximum days after due needs a letter (a late one is R02)
r09_facts as (

    select
        case_rule_facts.*,
        -- days under an open dispute or promise do not count (see pause_facts)
        coalesce(case_rule_facts.days_due_to_close, case_rule_facts.days_due_to_as_of)
        - case_rule_facts.paused_days_before_close as days_open_after_due,
        case
            when case_rule_facts.letter_count > 0 then case_rule_facts.first_letter_counted_days_after_due
            else
                coalesce(case_rule_facts.days_due_to_close, case_rule_facts.days_due_to_as_of)
                - case_rule_facts.paused_days_before_close
        end as days_until_letter_or_close
    from case_rule_facts

),

r09 as (

    select
        case_id,
        'R09' as rule_id,
        {%- for column in case_columns + ['due_date'] %}
        {{ column }},
        {%- endfor %}
        {%- for column in policy_columns %}
        due_{{ column }} as {{ column }},
        {%- endfor %}
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
    from r09_facts

),

checks as (

    select * from r01
    union all
    select * from r02
    union all
    select * from r03
    union all
    select * from r04
    union all
    select * from r05
    union all
    select * from r06
    union all
    select * from r07
    union all
    select * from r08
    union all
    select * from r09

),

-- ---------------------------------------------------------------- evidence: the events behind each status
-- Most rules take their evidence from the columns above (the first letter, every letter, a
-- pair of events). The sets that vary in size are listed here, one row per event, and
-- aggregated below: the offending letters of R03 / R04 / R06, and R05 / R07.
evidence_events as (

    -- R03, R04 violation: the offending letters and the letters before them
    select
        case_id,
        'R03' as rule_id,
        event_id,
        event_timestamp,
        activity_order
    from letters_flagged
    where skips_level = 1 or next_skips_level = 1

    union all

    select
        case_id,
        'R04' as rule_id,
        event_id,
        event_timestamp,
        activity_order
    from letters_flagged
    where too_close = 1 or next_too_close = 1

    union all

    -- R06 violation: the settlement and the letters after it
    select
        case_id,
        'R06' as rule_id,
        event_id,
        event_timestamp,
        activity_order
    from letters_flagged
    where after_settlement = 1

    union all

    select
        case_id,
        'R06' as rule_id,
        settled_event_id as event_id,
        settled_at as event_timestamp,
        settled_activity_order as activity_order
    from case_rule_facts
    where letters_after_settlement > 0

    union all

    -- R05, R07 violation: each letter inside an open dispute / promise, with its opening and closing
    select
        case_id,
        rule_id,
        letter_event_id as event_id,
        letter_at as event_timestamp,
        letter_activity_order as activity_order
    from letters_in_intervals

    union all

    select
        case_id,
        rule_id,
        start_event_id as event_id,
        started_at as event_timestamp,
        start_activity_order as activity_order
    from letters_in_intervals

    union all

    select
        case_id,
        rule_id,
        end_event_id as event_id,
        ended_at as event_timestamp,
        end_activity_order as activity_order
    from letters_in_intervals
    where end_event_id is not null

    union all

    -- R05, R07 pass: every letter and every dispute / promise event
    select
        letters_flagged.case_id,
        interval_facts.rule_id,
        letters_flagged.event_id,
        letters_flagged.event_timestamp,
        letters_flagged.activity_order
    from interval_facts
    inner join letters_flagged
        on interval_facts.case_id = letters_flagged.case_id
    where interval_facts.letters_inside is null

    union all

    select
        intervals.case_id,
        intervals.rule_id,
        intervals.start_event_id as event_id,
        intervals.started_at as event_timestamp,
        intervals.start_activity_order as activity_order
    from intervals
    inner join interval_facts
        on
            intervals.case_id = interval_facts.case_id
            and intervals.rule_id = interval_facts.rule_id
    where interval_facts.letters_inside is null

    union all

    select
        intervals.case_id,
        intervals.rule_id,
        intervals.end_event_id as event_id,
        intervals.ended_at as event_timestamp,
        intervals.end_activity_order as activity_order
    from intervals
    inner join interval_facts
        on
            intervals.case_id = interval_facts.case_id
            and intervals.rule_id = interval_facts.rule_id
    where interval_facts.letters_inside is null and intervals.end_event_id is not null

),

evidence_distinct as (

    -- a letter can fall into two disputes, and a dispute can hold two letters
    select distinct
        case_id,
        rule_id,
        event_id,
        event_timestamp,
        activity_order
    from evidence_events

),

evidence as (

    select
        case_id,
        rule_id,
        {{ dbt.listagg('event_id', "','", 'order by event_timestamp, activity_order, event_id') }}
            as evidence_event_ids,
        count(*) as evidence_event_count
    from evidence_distinct
    group by case_id, rule_id

),

final as (

    select
        checks.case_id,
        checks.rule_id,
        {%- for column in case_columns + policy_columns %}
        checks.{{ column }},
        {%- endfor %}
        checks.status,
        checks.not_applicable_reason,
        coalesce(checks.policy_reference_date, checks.due_date) as policy_reference_date,
        case when checks.status <> 'not_applicable' then checks.expected_value end as expected_value,
        case when checks.status <> 'not_applicable' then checks.observed_value end as observed_value,
        case
            when checks.status <> 'not_applicable' then coalesce(checks.evidence_event_ids, evidence.evidence_event_ids)
        end as evidence_event_ids,
        case when checks.status <> 'not_applicable' then checks.expected_days end as expected_days,
        case when checks.status <> 'not_applicable' then checks.observed_days end as observed_days,
        case when checks.status <> 'not_applicable' then checks.deviation_days end as deviation_days,
        case
            when checks.status <> 'not_applicable'
                then coalesce(checks.evidence_event_count, evidence.evidence_event_count, 0)
            else 0
        end as evidence_event_count
    from checks
    left join evidence
        on
            checks.case_id = evidence.case_id
            and checks.rule_id = evidence.rule_id

)

select
    case_id,
    rule_id,
    company_code,
    invoice_id,
    status,
    not_applicable_reason,
    policy_id,
    policy_version,
    policy_reference_date,
    expected_value,
    observed_value,
    evidence_event_ids,
    cast(expected_days as {{ int }}) as expected_days,
    cast(observed_days as {{ int }}) as observed_days,
    cast(deviation_days as {{ int }}) as deviation_days,
    cast(evidence_event_count as {{ int }}) as evidence_event_count
from final
