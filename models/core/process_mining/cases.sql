-- grain: one row per case: a customer invoice (case_id)
-- What each invoice is and where it stands as of the as-of date (var as_of_date, default the
-- date of the latest event), with its throughput times.
-- collector_id: the collector who worked the case before its outcome (case_collectors);
-- current_collector_id: today's assignment from the customer master, not valid for past periods.
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

customers as (

    select * from {{ ref('int_customers_unified') }}

),

events as (

    select * from {{ ref('event_log') }}

),

case_variants as (

    select * from {{ ref('int_case_variants') }}

),

settlement_summary as (

    -- settled amount, value received, written-off amount, closing date: one row per invoice
    select * from {{ ref('int_invoice_settlement_summary') }}

),

companies as (

    select * from {{ ref('company_settings') }}

),

fx as (

    select * from {{ ref('fx_rates') }}
    where reporting_currency = '{{ var("reporting_currency") }}'

),

as_of as (

    -- read from event_log itself, two columns: a second reader of the events import would make
    -- the engine hold every event in memory
    select {{ as_of_date('event_timestamp') }} as as_of_date
    from {{ ref('event_log') }}
    where source_system <> 'derived'

),

event_facts as (

    -- from the events these facts are about (about a quarter of the log): a case's event count
    -- and last event come from case_variants, which has already grouped every event by case
    select
        case_id,
        max(case when activity_code = 'INVOICE_SETTLED' then event_timestamp end) as settled_at,
        max(case when activity_code = 'INVOICE_WRITTEN_OFF' then event_timestamp end) as written_off_at,
        max(dunning_level) as max_dunning_level,
        min(case when activity_code like 'DUNNING_LETTER_%' then event_timestamp end) as first_letter_at,
        sum(case when activity_code = 'DISPUTE_OPENED' then 1 else 0 end) as disputes_opened,
        sum(case when activity_code = 'DISPUTE_RESOLVED' then 1 else 0 end) as disputes_resolved,
        min(case when activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF') then event_timestamp end)
            as closed_at
    from events
    where
        activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF', 'DISPUTE_OPENED', 'DISPUTE_RESOLVED')
        or activity_code like 'DUNNING_LETTER_%'
        or dunning_level is not null
    group by case_id

),

collector_log_events as (

    -- read from event_log itself, five columns of the collector events only: going through the
    -- events import (used above for every event's facts) would hold all events in memory
    select
        case_id,
        resource,
        event_timestamp,
        activity_order,
        event_id
    from {{ ref('event_log') }}
    where resource_type = 'collector'

),

collector_events as (

    -- collector events at or before the case's outcome (settled / written-off time; an open case:
    -- up to the end of the as-of date); events after the outcome and events by people who are
    -- not collectors (managers posting write-offs, clerks, the system) never count
    select
        events.case_id,
        events.resource,
        row_number() over (
            partition by events.case_id
            order by events.event_timestamp desc, events.activity_order desc, events.event_id desc
        ) as recency_rank
    from collector_log_events as events
    left join event_facts
        on events.case_id = event_facts.case_id
    cross join as_of
    where
        (
            events.event_timestamp <= event_facts.closed_at
            or (
                event_facts.closed_at is null
                and events.event_timestamp < {{ dbt.dateadd('day', 1, 'as_of.as_of_date') }}
            )
        )

),

case_collectors as (

    -- the last of them in event-log order (event_timestamp, activity_order, event_id)
    select
        case_id,
        resource as collector_id
    from collector_events
    where recency_rank = 1

),


final as (

    select
        invoices.case_id,
        invoices.company_code,
        invoices.invoice_id,
        {{ pseudonymise('invoices.customer_id', 'customer') }} as customer_id,
        {{ pseudonymise('customers.customer_name', 'customer') }} as customer_name,
        customers.customer_segment,
        customers.customer_group,
        invoices.payment_terms_id,
        customers.payment_terms_days,
        invoices.collections_system,
        -- the event log's resources are already pseudonymised; the customer's collector id is
        -- pseudonymised the same way, so one collector has one id under pseudonymise: true
        case_collectors.collector_id,
        {{ pseudonymise('customers.collector_id', 'worker') }} as current_collector_id,
        invoices.invoice_origin,
        invoices.invoice_date,
        invoices.due_date,
        invoices.invoice_created_at,
        invoices.invoice_posted_at,
        event_facts.first_letter_at,
        event_facts.settled_at,
        event_facts.written_off_at,
        case when event_facts.closed_at is not null then settlement_summary.closed_date end as closed_date,
        as_of.as_of_date,
        invoices.currency,
        companies.accounting_currency,
        '{{ var("reporting_currency") }}' as reporting_currency,
        invoices.invoice_amount,
        invoices.invoice_amount_accounting,
        cast(invoices.invoice_amount_accounting * fx.rate as {{ dbt.type_numeric() }}) as invoice_amount_reporting,
        settlement_summary.settled_amount,
        settlement_summary.written_off_amount,
        case
            when event_facts.written_off_at is not null then 'written off'
            -- closed with nothing received from the customer and no material write-off: the
            -- claim was reduced to zero by credit notes (plus any non-material write-off)
            when event_facts.settled_at is not null and not coalesce(settlement_summary.has_value_received, false)
                then 'credited'
            when event_facts.settled_at is not null then 'settled'
            when event_facts.disputes_opened > event_facts.disputes_resolved then 'disputed'
            when settlement_summary.settled_amount > 0 then 'partially paid'
            else 'open'
        end as status,
        coalesce(event_facts.max_dunning_level, 0) as max_dunning_level,
        case
            when event_facts.closed_at is null
                then cast({{ days_between('invoices.due_date', 'as_of.as_of_date') }} as {{ dbt.type_int() }})
        end as days_past_due,
        cast(case_variants.activity_count as {{ dbt.type_int() }}) as event_count,
        cast(
            {{ seconds_between('invoices.invoice_created_at', 'case_variants.last_event_at') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as throughput_days,
        cast(
            {{ seconds_between('invoices.invoice_created_at', 'event_facts.closed_at') }} / 86400.0
            as {{ dbt.type_numeric() }}
        ) as invoice_to_close_days,
        case_variants.variant_id
    from invoices
    cross join as_of
    left join customers
        on
            invoices.company_code = customers.company_code
            and invoices.customer_id = customers.customer_id
    left join event_facts
        on invoices.case_id = event_facts.case_id
    left join case_variants
        on invoices.case_id = case_variants.case_id
    left join case_collectors
        on invoices.case_id = case_collectors.case_id
    left join settlement_summary
        on invoices.case_id = settlement_summary.case_id
    left join companies
        on invoices.company_code = companies.company_code
    left join fx
        on
            companies.accounting_currency = fx.currency_code
            and invoices.invoice_date between fx.valid_from and fx.valid_to

)

select * from final
