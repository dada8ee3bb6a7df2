{{ config(group='process_mining') }}
-- Every case starts with its creation (or a credit-limit request that preceded it), and a
-- case that was settled or written off has exactly one such closing event.
-- The first event by the ordering rule (earliest time, then lowest catalogue order) is step 1
-- of int_event_log_sequenced, which has sorted the log once already; only the closing events
-- are read from event_log itself.
with first_steps as (

    select
        case_id,
        activity_number
    from {{ ref('int_event_log_sequenced') }}
    where step_number = 1

),

activities as (

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

),

closing_events as (

    select case_id
    from {{ ref('event_log') }}
    where activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF')

),

bad_start as (

    select
        first_steps.case_id,
        'starts with ' || activities.activity_code as problem
    from first_steps
    inner join activities
        on first_steps.activity_number = activities.activity_number
    where activities.activity_code not in ('INVOICE_CREATED', 'CREDIT_LIMIT_REQUESTED')

),

bad_end as (

    select
        case_id,
        'has ' || cast(count(*) as {{ dbt.type_string() }}) || ' closing events' as problem
    from closing_events
    group by case_id
    having count(*) > 1

)

select * from bad_start
union all
select * from bad_end
