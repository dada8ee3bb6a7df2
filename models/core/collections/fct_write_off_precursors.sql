-- grain: one row per invoice (case_id), the same rows as cases
-- What was known about each invoice at fixed moments before its outcome could happen, and the
-- outcome. At invoicing: the customer's exposure, credit limit (dated history) and earlier
-- write-offs and late payments, from data dated before or on the invoice date. At the horizon
-- (var write_off_precursor_horizon_days days past due, the end of that day): dunning, calls,
-- promises, disputes and partial payments until then, for invoices still open at the horizon
-- (NULL otherwise). Nothing is measured at the outcome.
{%- set horizon_days = var('write_off_precursor_horizon_days', 60) %}
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

credit_limits as (

    select * from {{ ref('int_customer_credit_limits_dated') }}

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
        cast({{ dbt.dateadd('day', horizon_days, 'due_date') }} as date) as horizon_date,
        cast({{ dbt.dateadd('day', horizon_days + 1, 'due_date') }} as {{ dbt.type_timestamp() }}) as horizon_at,
        -- the horizon is reached by the as-of date and the invoice is still open then
        coalesce(
            cast({{ dbt.dateadd('day', horizon_days, 'due_date') }} as date) <= as_of_date
            and coalesce(
                written_off_at, settled_at,
                cast({{ dbt.dateadd('day', horizon_days + 1, 'due_date') }} as {{ dbt.type_timestamp() }})
            ) >= cast({{ dbt.dateadd('day', horizon_days + 1, 'due_date') }} as {{ dbt.type_timestamp() }}),
            false
        ) as is_open_at_horizon
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
            and outcomes.horizon_at > events.event_timestamp
    where outcomes.is_open_at_horizon
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
            and outcomes.horizon_at > events.event_timestamp
    where outcomes.is_open_at_horizon and events.activity_code = 'DISPUTE_OPENED'

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
            and outcomes.horizon_at > settlements.settled_at
    where outcomes.is_open_at_horizon and settlements.settlement_kind <> 'write-off'
    group by outcomes.case_id

),

customer_days as (

    -- per customer and day: invoices (+), settlements (-), write-offs, late settlements
    select
        company_code,
        customer_id,
        invoice_date as flow_date,
        invoice_amount_accounting as amount_accounting,
        0 as write_offs,
        0 as late_settlements
    from outcomes
    union all
    select
        outcomes.company_code,
        outcomes.customer_id,
        settlements.settlement_date as flow_date,
        -settlements.settled_amount_accounting as amount_accounting,
        0 as write_offs,
        0 as late_settlements
    from settlements
    inner join outcomes
        on settlements.case_id = outcomes.case_id
    union all
    select
        company_code,
        customer_id,
        cast(outcome_at as date) as flow_date,
        0 as amount_accounting,
        case when outcome = 'written off' then 1 else 0 end as write_offs,
        case when outcome = 'settled' then 1 else 0 end as late_settlements
    from outcomes
    where outcome = 'written off' or (outcome = 'settled' and cast(outcome_at as date) > due_date)

),

customer_daily as (

    select
        company_code,
        customer_id,
        flow_date,
        sum(amount_accounting) as amount_accounting,
        sum(write_offs) as write_offs,
        sum(late_settlements) as late_settlements
    from customer_days
    group by company_code, customer_id, flow_date

),

customer_running as (

    -- one row per customer and day, so the running sums are the position at the end of the day;
    -- write-offs and late settlements of the day itself are not earlier than an invoice of that day
    select
        company_code,
        customer_id,
        flow_date,
        sum(amount_accounting) over (
            partition by company_code, customer_id
            order by flow_date
            rows between unbounded preceding and current row
        ) as exposure_accounting,
        sum(write_offs) over (
            partition by company_code, customer_id
            order by flow_date
            rows between unbounded preceding and current row
        ) - write_offs as earlier_write_offs,
        sum(late_settlements) over (
            partition by company_code, customer_id
            order by flow_date
            rows between unbounded preceding and current row
        ) - late_settlements as earlier_late_settlements
    from customer_daily

),

limit_at_invoicing as (

    -- the limit in force at the start of the invoice date: changes effective before it
    select
        outcomes.case_id,
        credit_limits.credit_limit_accounting
    from outcomes
    inner join credit_limits
        on
            outcomes.company_code = credit_limits.company_code
            and outcomes.customer_id = credit_limits.customer_id
            and (credit_limits.valid_from is null or outcomes.invoice_date > credit_limits.valid_from)
            and (credit_limits.valid_to is null or outcomes.invoice_date <= credit_limits.valid_to)

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
        cast(customer_running.earlier_write_offs as {{ dbt.type_int() }}) as customer_earlier_write_offs,
        coalesce(customer_running.earlier_write_offs > 0, false) as customer_had_earlier_write_off,
        cast(customer_running.earlier_late_settlements as {{ dbt.type_int() }}) as customer_earlier_late_settlements,
        coalesce(customer_running.earlier_late_settlements > 0, false) as customer_had_earlier_late_settlement,
        cast(customer_running.exposure_accounting as {{ dbt.type_numeric() }}) as exposure_at_invoicing_accounting,
        cast(limit_at_invoicing.credit_limit_accounting as {{ dbt.type_numeric() }})
            as credit_limit_at_invoicing_accounting,
        cast(
            case
                when limit_at_invoicing.credit_limit_accounting > 0
                    then customer_running.exposure_accounting / limit_at_invoicing.credit_limit_accounting
            end as {{ dbt.type_numeric() }}
        ) as credit_limit_utilisation_at_invoicing,
        coalesce(
            limit_at_invoicing.credit_limit_accounting > 0
            and customer_running.exposure_accounting > limit_at_invoicing.credit_limit_accounting,
            false
        ) as is_over_credit_limit_at_invoicing,
        outcomes.horizon_date,
        outcomes.is_open_at_horizon,
        {%- set counts = [('max_dunning_level', 'max_dunning_level_at_horizon'), ('letters', 'letters_by_horizon'),
            ('calls', 'calls_by_horizon'), ('promises', 'promises_by_horizon'),
            ('broken_promises', 'broken_promises_by_horizon'), ('disputes', 'disputes_by_horizon')] %}
        {%- for source_column, name in counts %}
        cast(
            case when outcomes.is_open_at_horizon then coalesce(event_features.{{ source_column }}, 0) end
            as {{ dbt.type_int() }}
        ) as {{ name }},
        {%- endfor %}
        dispute_reason_lists.dispute_reasons as dispute_reasons_by_horizon,
        cast(
            case when outcomes.is_open_at_horizon then coalesce(partial_payments.partial_payments, 0) end
            as {{ dbt.type_int() }}
        ) as partial_payments_by_horizon,
        cast(
            case
                when outcomes.is_open_at_horizon then coalesce(partial_payments.partially_paid_amount_accounting, 0)
            end as {{ dbt.type_numeric() }}
        ) as partially_paid_by_horizon_accounting,
        case when outcomes.is_open_at_horizon then coalesce(event_features.letters, 0) > 0 end
            as has_dunning_letter_by_horizon,
        case when outcomes.is_open_at_horizon then coalesce(event_features.max_dunning_level, 0) >= 3 end
            as reached_dunning_level_3_by_horizon,
        case when outcomes.is_open_at_horizon then coalesce(event_features.broken_promises, 0) > 0 end
            as has_broken_promise_by_horizon,
        case when outcomes.is_open_at_horizon then coalesce(event_features.disputes, 0) > 0 end
            as has_dispute_by_horizon,
        case when outcomes.is_open_at_horizon then coalesce(partial_payments.partial_payments, 0) > 0 end
            as has_partial_payment_by_horizon
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
    left join limit_at_invoicing
        on cases.case_id = limit_at_invoicing.case_id

)

select * from final
