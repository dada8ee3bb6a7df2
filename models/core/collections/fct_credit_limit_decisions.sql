-- grain: one row per credit-limit request (request_id = event_id of its Credit Limit Requested
-- event)
-- The decision is the request's own Credit Limit Approved or Rejected event: paired_events
-- follows int_credit_limit_requests from the request's record to its decision's record
-- (HighRadius: the same review; D365: the last step of the journal's workflow), so a pending
-- request never takes the decision of a later one.
-- Next to each decision: the customer's exposure when it was taken, and how the customer paid
-- the invoices of the following 365 days.
with pairs as (

    {{ paired_events(
        'credit_limit', ['CREDIT_LIMIT_REQUESTED'], ['CREDIT_LIMIT_APPROVED', 'CREDIT_LIMIT_REJECTED'],
        closing_record_of={
            'model': 'int_credit_limit_requests', 'table': 'decision_table', 'record_id': 'decision_record_id'
        }
    ) }}

),

cases as (

    select * from {{ ref('cases') }}

),

settlements as (

    select * from {{ ref('int_invoice_settlements') }}

),

requests as (

    select
        opening_event_id as request_id,
        case_id,
        company_code,
        customer_id,
        opening_source_system as source_system,
        opening_at as requested_at,
        opening_resource as requested_by,
        opening_amount as requested_limit,
        opening_currency as currency,
        closing_event_id as decision_event_id,
        closing_at as decided_at,
        closing_resource as decided_by,
        closing_reason_code as decision_reason_code,
        opening_business_day_number as requested_business_day_number,
        closing_business_day_number as decided_business_day_number,
        cast(coalesce(closing_at, opening_at) as date) as reference_date,
        case closing_activity_code
            when 'CREDIT_LIMIT_APPROVED' then 'approved'
            when 'CREDIT_LIMIT_REJECTED' then 'rejected'
            else 'pending'
        end as decision
    from pairs

),

customer_invoices as (

    select
        requests.request_id,
        cases.case_id,
        cases.invoice_date,
        cases.invoice_amount_accounting,
        cases.settled_at,
        cases.written_off_at,
        case
            when cases.settled_at is not null then {{ days_between('cases.due_date', 'cases.closed_date') }}
        end as days_past_due_at_settlement
    from requests
    inner join cases
        on
            requests.company_code = cases.company_code
            -- cases.customer_id is a pseudonym under pseudonymise: true
            and {{ pseudonymise('requests.customer_id', 'customer') }} = cases.customer_id

),

exposure_invoiced as (

    select
        customer_invoices.request_id,
        sum(customer_invoices.invoice_amount_accounting) as invoiced_accounting
    from customer_invoices
    inner join requests
        on customer_invoices.request_id = requests.request_id
    where customer_invoices.invoice_date <= requests.reference_date
    group by customer_invoices.request_id

),

exposure_settled as (

    select
        customer_invoices.request_id,
        sum(settlements.settled_amount_accounting) as settled_accounting
    from customer_invoices
    inner join requests
        on customer_invoices.request_id = requests.request_id
    inner join settlements
        on
            customer_invoices.case_id = settlements.case_id
            and requests.reference_date >= settlements.settlement_date
    group by customer_invoices.request_id

),

later_behaviour as (

    select
        customer_invoices.request_id,
        count(*) as later_invoice_count,
        sum(customer_invoices.invoice_amount_accounting) as later_invoiced_amount_accounting,
        sum(case when customer_invoices.settled_at is not null then 1 else 0 end) as later_settled_count,
        sum(case when customer_invoices.days_past_due_at_settlement > 0 then 1 else 0 end) as later_settled_late_count,
        avg(customer_invoices.days_past_due_at_settlement) as later_average_days_past_due_at_settlement,
        sum(case when customer_invoices.written_off_at is not null then 1 else 0 end) as later_written_off_count
    from customer_invoices
    inner join requests
        on customer_invoices.request_id = requests.request_id
    where
        customer_invoices.invoice_date > requests.reference_date
        and customer_invoices.invoice_date <= {{ dbt.dateadd('day', 365, 'requests.reference_date') }}
    group by customer_invoices.request_id

),

final as (

    select
        requests.request_id,
        requests.case_id,
        requests.company_code,
        {{ pseudonymise('requests.customer_id', 'customer') }} as customer_id,
        cases.customer_segment,
        requests.source_system,
        requests.requested_at,
        case
            when requests.requested_by = 'system' then 'system'
            else {{ pseudonymise('requests.requested_by', 'worker') }}
        end as requested_by,
        requests.requested_limit,
        requests.currency,
        requests.decision_event_id,
        requests.decided_at,
        case
            when requests.decided_by = 'system' then 'system'
            else {{ pseudonymise('requests.decided_by', 'worker') }}
        end as decided_by,
        requests.decision,
        requests.decision_reason_code,
        cast(
            {{ seconds_between('requests.requested_at', 'requests.decided_at') }} / 3600.0 as {{ dbt.type_numeric() }}
        ) as decision_hours,
        cast(
            {{ days_between('requests.requested_at', 'requests.decided_at') }} as {{ dbt.type_int() }}
        ) as decision_days,
        cast(
            requests.decided_business_day_number - requests.requested_business_day_number as {{ dbt.type_int() }}
        ) as decision_business_days,
        requests.reference_date,
        cases.accounting_currency,
        cast(
            coalesce(exposure_invoiced.invoiced_accounting, 0) - coalesce(exposure_settled.settled_accounting, 0)
            as {{ dbt.type_numeric() }}
        ) as exposure_at_decision_accounting,
        cast(
            case
                when
                    requests.decision = 'approved'
                    and requests.currency = cases.accounting_currency
                    and requests.requested_limit > 0
                    then (
                        coalesce(exposure_invoiced.invoiced_accounting, 0)
                        - coalesce(exposure_settled.settled_accounting, 0)
                    ) / requests.requested_limit
            end as {{ dbt.type_numeric() }}
        ) as limit_utilisation_at_decision,
        cast(coalesce(later_behaviour.later_invoice_count, 0) as {{ dbt.type_int() }}) as later_invoice_count,
        cast(coalesce(later_behaviour.later_invoiced_amount_accounting, 0) as {{ dbt.type_numeric() }})
            as later_invoiced_amount_accounting,
        cast(coalesce(later_behaviour.later_settled_count, 0) as {{ dbt.type_int() }}) as later_settled_count,
        cast(coalesce(later_behaviour.later_settled_late_count, 0) as {{ dbt.type_int() }})
            as later_settled_late_count,
        cast(later_behaviour.later_average_days_past_due_at_settlement as {{ dbt.type_numeric() }})
            as later_average_days_past_due_at_settlement,
        cast(coalesce(later_behaviour.later_written_off_count, 0) as {{ dbt.type_int() }}) as later_written_off_count
    from requests
    inner join cases
        on requests.case_id = cases.case_id
    left join exposure_invoiced
        on requests.request_id = exposure_invoiced.request_id
    left join exposure_settled
        on requests.request_id = exposure_settled.request_id
    left join later_behaviour
        on requests.request_id = later_behaviour.request_id

)

select * from final
