{{ config(group='process_mining') }}
-- Every case starts with its creation (or a credit-limit request that preceded it), and a
-- case that was settled or written off has exactly one such closing event.
with events as (

    select
        case_id,
        activity_code,
        activity_order,
        event_timestamp
    from {{ ref('event_log') }}

),

first_time as (

    select
        case_id,
        min(event_timestamp) as first_at
    from events
    group by case_id

),

first_order as (

    -- the first event by the ordering rule: earliest time, then lowest catalogue order
    select
        events.case_id,
        min(events.activity_order) as first_activity_order
    from events
    inner join first_time
        on
            events.case_id = first_time.case_id
            and events.event_timestamp = first_time.first_at
    group by events.case_id

),

catalogue as (

    select * from {{ ref('activity_catalogue') }}

),

bad_start as (

    select
        first_order.case_id,
        'starts with ' || catalogue.activity_code as problem
    from first_order
    inner join catalogue
        on first_order.first_activity_order = catalogue.activity_order
    where catalogue.activity_code not in ('INVOICE_CREATED', 'CREDIT_LIMIT_REQUESTED')

),

bad_end as (

    select
        case_id,
        'has ' || cast(count(*) as {{ dbt.type_string() }}) || ' closing events' as problem
    from events
    where activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF')
    group by case_id
    having count(*) > 1

)

select * from bad_start
union all
select * from bad_end
