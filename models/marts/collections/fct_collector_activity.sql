-- grain: one row per collector, company and month (collector_id, company_code, activity_month_start_date)
-- Workload and outcomes of each collector. Actions (calls, letters, promises, disputes,
-- write-offs) count the events the collector performed: the event's own resource, of type
-- collector (a write-off posted by a manager is nobody's collector action). Workload and outcomes
-- count the invoices by the collector who worked them before their outcome (cases.collector_id):
-- open at the month end (or the as-of date), settled or written off in the month.
with events as (

    select * from {{ ref('event_log') }}
    where resource_type = 'collector'

),

cases as (

    select * from {{ ref('cases') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

months as (

    select distinct
        calendar.company_code,
        calendar.month_start_date,
        case
            when calendar.month_end_date < as_of.as_of_date then calendar.month_end_date
            else as_of.as_of_date
        end as snapshot_date
    from calendar
    cross join as_of
    where calendar.month_start_date <= as_of.as_of_date

),

actions as (

    select
        resource as collector_id,
        company_code,
        cast({{ dbt.date_trunc('month', 'event_timestamp') }} as date) as activity_month_start_date,
        count(distinct case_id) as invoices_worked,
        sum(case when activity_code = 'COLLECTION_CALL_MADE' then 1 else 0 end) as calls_made,
        sum(case when activity_code = 'PAYMENT_REMINDER_SENT' then 1 else 0 end) as reminders_sent,
        sum(case when dunning_level is not null then 1 else 0 end) as letters_sent,
        sum(case when activity_code = 'PROMISE_TO_PAY_MADE' then 1 else 0 end) as promises_obtained,
        sum(case when activity_code = 'PROMISE_TO_PAY_KEPT' then 1 else 0 end) as promises_kept,
        sum(case when activity_code = 'PROMISE_TO_PAY_BROKEN' then 1 else 0 end) as promises_broken,
        sum(case when activity_code = 'DISPUTE_OPENED' then 1 else 0 end) as disputes_opened,
        sum(case when activity_code = 'DISPUTE_RESOLVED' then 1 else 0 end) as disputes_resolved,
        sum(case when activity_code = 'INVOICE_WRITTEN_OFF' then 1 else 0 end) as write_offs_booked
    from events
    where resource is not null
    group by resource, company_code, cast({{ dbt.date_trunc('month', 'event_timestamp') }} as date)

),

assigned as (

    select * from cases
    where collector_id is not null

),

workload as (

    select
        assigned.collector_id,
        assigned.company_code,
        months.month_start_date as activity_month_start_date,
        count(*) as open_invoices_at_month_end,
        sum(assigned.invoice_amount_accounting) as open_invoiced_amount_accounting
    from assigned
    inner join months
        on
            assigned.company_code = months.company_code
            and assigned.invoice_date <= months.snapshot_date
    where
        -- open at the month end: not yet closed by the ledger date of its closing settlement
        (assigned.closed_date is null or assigned.closed_date > months.snapshot_date)
    group by assigned.collector_id, assigned.company_code, months.month_start_date

),

settled as (

    select
        collector_id,
        company_code,
        cast({{ dbt.date_trunc('month', 'closed_date') }} as date) as activity_month_start_date,
        count(*) as invoices_settled,
        sum(invoice_amount_accounting) as settled_invoice_amount_accounting,
        avg({{ days_between('invoice_date', 'closed_date') }}) as average_days_to_pay,
        avg({{ days_between('due_date', 'closed_date') }}) as average_days_past_due_at_settlement
    from assigned
    where settled_at is not null
    group by collector_id, company_code, cast({{ dbt.date_trunc('month', 'closed_date') }} as date)

),

written_off as (

    select
        collector_id,
        company_code,
        cast({{ dbt.date_trunc('month', 'written_off_at') }} as date) as activity_month_start_date,
        count(*) as invoices_written_off,
        sum(invoice_amount_accounting) as written_off_invoice_amount_accounting
    from assigned
    where written_off_at is not null
    group by collector_id, company_code, cast({{ dbt.date_trunc('month', 'written_off_at') }} as date)

),

keys as (

    select
        collector_id,
        company_code,
        activity_month_start_date
    from actions
    union
    select
        collector_id,
        company_code,
        activity_month_start_date
    from workload
    union
    select
        collector_id,
        company_code,
        activity_month_start_date
    from settled
    union
    select
        collector_id,
        company_code,
        activity_month_start_date
    from written_off

),

final as (

    select
        keys.collector_id,
        keys.company_code,
        keys.activity_month_start_date,
        {%- for column in ['invoices_worked', 'calls_made', 'reminders_sent', 'letters_sent', 'promises_obtained',
            'promises_kept', 'promises_broken', 'disputes_opened', 'disputes_resolved', 'write_offs_booked'] %}
        cast(coalesce(actions.{{ column }}, 0) as {{ dbt.type_int() }}) as {{ column }},
        {%- endfor %}
        cast(coalesce(workload.open_invoices_at_month_end, 0) as {{ dbt.type_int() }}) as open_invoices_at_month_end,
        cast(coalesce(workload.open_invoiced_amount_accounting, 0) as {{ dbt.type_numeric() }})
            as open_invoiced_amount_accounting,
        cast(coalesce(settled.invoices_settled, 0) as {{ dbt.type_int() }}) as invoices_settled,
        cast(coalesce(settled.settled_invoice_amount_accounting, 0) as {{ dbt.type_numeric() }})
            as settled_invoice_amount_accounting,
        cast(settled.average_days_to_pay as {{ dbt.type_numeric() }}) as average_days_to_pay,
        cast(settled.average_days_past_due_at_settlement as {{ dbt.type_numeric() }})
            as average_days_past_due_at_settlement,
        cast(coalesce(written_off.invoices_written_off, 0) as {{ dbt.type_int() }}) as invoices_written_off,
        cast(coalesce(written_off.written_off_invoice_amount_accounting, 0) as {{ dbt.type_numeric() }})
            as written_off_invoice_amount_accounting
    from keys
    left join actions
        on
            keys.collector_id = actions.collector_id
            and keys.company_code = actions.company_code
            and keys.activity_month_start_date = actions.activity_month_start_date
    left join workload
        on
            keys.collector_id = workload.collector_id
            and keys.company_code = workload.company_code
            and keys.activity_month_start_date = workload.activity_month_start_date
    left join settled
        on
            keys.collector_id = settled.collector_id
            and keys.company_code = settled.company_code
            and keys.activity_month_start_date = settled.activity_month_start_date
    left join written_off
        on
            keys.collector_id = written_off.collector_id
            and keys.company_code = written_off.company_code
            and keys.activity_month_start_date = written_off.activity_month_start_date

)

select * from final
