{#- The opening events of one kind of paired activity, each with the closing event paired with
    it: within a case, the n-th opening (an activity in `openings`) is paired with the n-th
    closing (an activity in `closings`), each numbered in the event-log order (event_timestamp,
    activity_order, event_id); an opening without its closing yet has NULL closing columns, an
    extra closing is left out. Both ends carry their business-day number from
    int_calendar_days, looked up by the company-local date of the event. One definition for disputes, promises, receipts and credit requests;
    each mart reads only its own activities from event_log.
    pair_by_record = true pairs each opening with its own end instead of by position: in
    HighRadius the record (p2p_id, dispute_id) carries both ends, so an opening is paired with
    the closing of the same source record; in D365 (custdisputehistory) the invoice has one
    status at a time, so an opening is paired with the first closing of the case after it that
    comes from another record (the next status change). A promise cancelled or replaced then
    ends its own interval and never shifts the pairs after it.
    closing_record_of = {'model': ..., 'table': ..., 'record_id': ...} pairs each opening with
    the closing read from the record that model names for it: the model has one row per
    opening record (case_id, source_table, source_record_id) and names its closing's record in
    the columns `table` and `record_id` (credit requests: int_credit_limit_requests names each
    request's decision, which another request's decision must never stand for). -#}
{% macro paired_events(kind, openings, closings, pair_by_record=false, closing_record_of=none) -%}
with events as (

    select
        event_id,
        case_id,
        company_code,
        invoice_id,
        customer_id,
        activity_code,
        activity_order,
        event_timestamp,
        resource,
        source_system,
        {%- if closing_record_of %}
        source_table,
        {%- endif %}
        source_record_id,
        amount,
        currency,
        reason_code,
        '{{ kind }}' as pair_kind,
        case
            when activity_code in ('{{ openings | join("', '") }}') then 'opening'
            else 'closing'
        end as pair_role
    from {{ ref('event_log') }}
    where activity_code in ('{{ (openings + closings) | join("', '") }}')

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

companies as (

    -- business days are counted on the company's local dates
    select
        company_code,
        timezone
    from {{ ref('company_settings') }}

),

numbered as (

    select
        *,
        row_number() over (
            partition by case_id, pair_role
            order by event_timestamp, activity_order, event_id
        ) as pair_number
    from events

),

{%- if closing_record_of %}

closing_records as (

    select
        case_id,
        source_table,
        source_record_id,
        {{ closing_record_of['table'] }} as closing_source_table,
        {{ closing_record_of['record_id'] }} as closing_source_record_id
    from {{ ref(closing_record_of['model']) }}
    where {{ closing_record_of['record_id'] }} is not null

),
{%- endif %}
{%- if pair_by_record or closing_record_of %}

closing_candidates as (

    select
        opening.event_id as opening_event_id,
        closing.event_id as closing_event_id,
        row_number() over (
            partition by opening.event_id
            order by closing.event_timestamp, closing.activity_order, closing.event_id
        ) as candidate_rank
    from numbered as opening
    {%- if closing_record_of %}
    inner join closing_records
        on
            opening.case_id = closing_records.case_id
            and opening.source_table = closing_records.source_table
            and opening.source_record_id = closing_records.source_record_id
    inner join numbered as closing
        on
            closing.pair_role = 'closing'
            and closing_records.case_id = closing.case_id
            and closing_records.closing_source_table = closing.source_table
            and closing_records.closing_source_record_id = closing.source_record_id
    {%- else %}
    inner join numbered as closing
        on
            closing.pair_role = 'closing'
            and {{ closes_its_own_opening('opening', 'closing') }}
    {%- endif %}
    where opening.pair_role = 'opening'

),

paired as (

    select
        closing_candidates.opening_event_id,
        closing.*
    from closing_candidates
    inner join numbered as closing
        on closing_candidates.closing_event_id = closing.event_id
    where closing_candidates.candidate_rank = 1

),
{%- endif %}

final as (

    select
        opening.pair_kind,
        opening.case_id,
        cast(opening.pair_number as {{ dbt.type_int() }}) as pair_number,
        opening.company_code,
        opening.invoice_id,
        opening.customer_id,
        opening.event_id as opening_event_id,
        opening.activity_code as opening_activity_code,
        opening.event_timestamp as opening_at,
        opening.resource as opening_resource,
        opening.source_system as opening_source_system,
        opening.source_record_id as opening_source_record_id,
        opening.amount as opening_amount,
        opening.currency as opening_currency,
        opening.reason_code as opening_reason_code,
        opening_day.business_day_number as opening_business_day_number,
        closing.event_id as closing_event_id,
        closing.activity_code as closing_activity_code,
        closing.event_timestamp as closing_at,
        closing.resource as closing_resource,
        closing.reason_code as closing_reason_code,
        closing_day.business_day_number as closing_business_day_number
    from numbered as opening
    {%- if pair_by_record or closing_record_of %}
    left join paired as closing
        on opening.event_id = closing.opening_event_id
    {%- else %}
    left join numbered as closing
        on
            opening.case_id = closing.case_id
            and opening.pair_number = closing.pair_number
            and closing.pair_role = 'closing'
    {%- endif %}
    left join companies
        on opening.company_code = companies.company_code
    left join calendar as opening_day
        on
            opening.company_code = opening_day.company_code
            and {{ utc_to_local_date('opening.event_timestamp', 'companies.timezone') }} = opening_day.calendar_date
    left join calendar as closing_day
        on
            opening.company_code = closing_day.company_code
            and {{ utc_to_local_date('closing.event_timestamp', 'companies.timezone') }} = closing_day.calendar_date
    where opening.pair_role = 'opening'

)

select * from final
{%- endmacro %}
