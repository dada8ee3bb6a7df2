-- Every case starts with its creation (or a credit-limit request that preceded it), and a
-- case that was settled or written off has exactly one such closing event.
with events as (

    select * from {{ ref('event_log') }}

),

ordered as (

    select
        case_id,
        activity_code,
        row_number() over (
            partition by case_id
            order by event_timestamp, activity_order, event_id
        ) as position
    from events

),

bad_start as (

    select
        case_id,
        'starts with ' || activity_code as problem
    from ordered
    where position = 1 and activity_code not in ('INVOICE_CREATED', 'CREDIT_LIMIT_REQUESTED')

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
