-- grain: one row per invoice (case_id), the same rows as cases
-- What was known about each invoice before its outcome (written off, settled, or still open at
-- the as-of date), and the outcome. Features count only what happened before the outcome: events
-- and settlements before the write-off or settlement (before the end of the as-of date while
-- open); the customer's history and credit-limit use as they stood on the invoice date.
with cases as (

    select * from {{ ref('cases') }}

),

events as (

    select
        case_id,
        activity_code,
        event_timestamp,
        dunning_level,
        reason_code
    from {{ ref('event_log') }}
    where
        dunning_level is not null
        or activity_code in ('COLLECTION_CALL_MADE', 'PROMISE_TO_PAY_MADE', 'PROMISE_TO_PAY_BROKEN', 'DISPUTE_OPENED')

),

settlements as (

    select * from {{ ref('int_invoice_settlements') }}

),

customers as (

    select * from {{ ref('int_customers_unified') }}

),

outcomes as (

    select
        case_id,
        company_code,
        customer_id,
        invoice_date,
        due_date,
        invoice_amount_accounting,
        case
            when written_off_at is not null then 'written off'
            when settled_at is not null then 'settled'
            else 'open'
        end as outcome,
        coalesce(written_off_at, settled_at) as outcome_at,
        coalesce(
            written_off_at, settled_at, cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }})
        ) as cutoff_at
    from cases

),

event_features as (

    select
        outcomes.case_id,
        max(events.dunning_level) as max_dunning_level,
        sum(case when events.dunning_level is not null then 1 else 0 end) as letters,
        sum(case when events.activity_code = 'COLLECTION_CALL_MADE' then 1 else 0 end) as calls,
        sum(case when events.activity_code = 'PROMISE_TO_PAY_MADE' then 1 else 0 end) as promises,
        sum(case when events.activity_code = 'PROMISE_TO_PAY_BROKEN' then 1 else 0 end) as broken_promises,
        sum(case when events.activity_code = 'DISPUTE_OPENED' then 1 else 0 end) as disputes
    from outcomes
    inner join events
        on
            outcomes.case_id = events.case_id
            and outcomes.cutoff_at > events.event_timestamp
    group by outcomes.case_id

),

dispute_reasons as (

    select distinct
        outcomes.case_id,
        coalesce(events.reason_code, 'unknown') as reason_code
    from outcomes
    inner join events
        on
            outcomes.case_id = events.case_id
            and outcomes.cutoff_at > events.event_timestamp
    where events.activity_code = 'DISPUTE_OPENED'

),

dispute_reason_lists as (

    select
        case_id,
        {{ dbt.listagg('reason_code', "', '", 'order by reason_code') }} as dispute_reasons
    from dispute_reasons
    group by case_id

),

partial_payments as (

    select
        outcomes.case_id,
        count(*) as partial_payments,
        sum(settlements.settled_amount_accounting) as partially_paid_amount_accounting
    from outcomes
    inner join settlements
        on
            outcomes.case_id = settlements.case_id
            and outcomes.cutoff_at > settlements.settled_at
    where not settlements.is_closing and settlements.settlement_kind <> 'write-off'
    group by outcomes.case_id

),

customer_days as (

    -- per customer and day: invoices (+), settlements (-), write-offs
    select
        company_code,
        customer_id,
        invoice_date as flow_date,
        invoice_amount_accounting as amount_accounting,
        0 as write_offs
    from outcomes
    union all
    select
        outcomes.company_code,
        outcomes.customer_id,
        settlements.settlement_date as flow_date,
        -settlements.settled_amount_accounting as amount_accounting,
        0 as write_offs
    from settlements
    inner join outcomes
        on settlements.case_id = outcomes.case_id
    union all
    select
        company_code,
        customer_id,
        cast(outcome_at as date) as flow_date,
        0 as amount_accounting,
        1 as write_offs
    from outcomes
    where outcome = 'written off'

),

customer_daily as (

    select
        company_code,
        customer_id,
        flow_date,
        sum(amount_accounting) as amount_accounting,
        sum(write_offs) as write_offs
    from customer_days
    group by company_code, customer_id, flow_date

),

customer_running as (

    -- one row per customer and day, so the running sums are the position at the end of the day
    select
        company_code,
        customer_id,
        flow_date,
        write_offs,
        sum(amount_accounting) over (
            partition by company_code, customer_id
            order by flow_date
            rows between unbounded preceding and current row
        ) as exposure_accounting,
        sum(write_offs) over (
            partition by company_code, customer_id
            order by flow_date
            rows between unbounded preceding and current row
        ) as write_offs_to_date
    from customer_daily

),

final as (

    select
        cases.case_id,
        cases.company_code,
        cases.invoice_id,
        cases.customer_id,
        coalesce(cases.customer_segment, 'unassigned') as customer_segment,
        cases.payment_terms_id,
        cases.payment_terms_days,
        cases.collector_id,
        cases.currency,
        cases.invoice_date,
        cases.due_date,
        cases.invoice_amount_accounting,
        outcomes.outcome,
        outcomes.outcome_at,
        outcomes.outcome = 'written off' as is_written_off,
        cast(coalesce(event_features.max_dunning_level, 0) as {{ dbt.type_int() }}) as max_dunning_level_before_outcome,
        cast(coalesce(event_features.letters, 0) as {{ dbt.type_int() }}) as letters_before_outcome,
        cast(coalesce(event_features.calls, 0) as {{ dbt.type_int() }}) as calls_before_outcome,
        cast(coalesce(event_features.promises, 0) as {{ dbt.type_int() }}) as promises_before_outcome,
        cast(coalesce(event_features.broken_promises, 0) as {{ dbt.type_int() }}) as broken_promises_before_outcome,
        cast(coalesce(event_features.disputes, 0) as {{ dbt.type_int() }}) as disputes_before_outcome,
        dispute_reason_lists.dispute_reasons,
        cast(coalesce(partial_payments.partial_payments, 0) as {{ dbt.type_int() }}) as partial_payments_before_outcome,
        cast(coalesce(partial_payments.partially_paid_amount_accounting, 0) as {{ dbt.type_numeric() }})
            as partially_paid_amount_accounting,
        cast({{ days_between('cases.due_date', 'outcomes.cutoff_at') }} as {{ dbt.type_int() }})
            as days_past_due_at_outcome,
        -- write-offs on the invoice date itself do not count: they are not earlier
        cast(
            customer_running.write_offs_to_date - customer_running.write_offs as {{ dbt.type_int() }}
        ) as customer_earlier_write_offs,
        cast(customer_running.exposure_accounting as {{ dbt.type_numeric() }}) as exposure_at_invoicing_accounting,
        cast(customers.credit_limit as {{ dbt.type_numeric() }}) as credit_limit_accounting,
        cast(
            case when customers.credit_limit > 0 then customer_running.exposure_accounting / customers.credit_limit end
            as {{ dbt.type_numeric() }}
        ) as credit_limit_utilisation_at_invoicing,
        coalesce(event_features.letters, 0) > 0 as has_dunning_letter,
        coalesce(event_features.max_dunning_level, 0) >= 3 as reached_dunning_level_3,
        coalesce(event_features.broken_promises, 0) > 0 as has_broken_promise,
        coalesce(event_features.disputes, 0) > 0 as has_dispute,
        coalesce(partial_payments.partial_payments, 0) > 0 as has_partial_payment,
        coalesce({{ days_between('cases.due_date', 'outcomes.cutoff_at') }} > 90, false)
            as is_over_90_days_past_due_at_outcome,
        customer_running.write_offs_to_date - customer_running.write_offs > 0 as customer_had_earlier_write_off,
        coalesce(
            customers.credit_limit > 0 and customer_running.exposure_accounting > customers.credit_limit, false
        )
            as is_over_credit_limit_at_invoicing
    from cases
    inner join outcomes
        on cases.case_id = outcomes.case_id
    left join event_features
        on cases.case_id = event_features.case_id
    left join dispute_reason_lists
        on cases.case_id = dispute_reason_lists.case_id
    left join partial_payments
        on cases.case_id = partial_payments.case_id
    left join customer_running
        on
            cases.company_code = customer_running.company_code
            and cases.customer_id = customer_running.customer_id
            and cases.invoice_date = customer_running.flow_date
    left join customers
        on
            cases.company_code = customers.company_code
            and cases.customer_id = customers.customer_id

)

select * from final
