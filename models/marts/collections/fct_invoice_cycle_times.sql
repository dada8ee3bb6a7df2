-- grain: one row per invoice (case_id), the same rows as cases
-- The durations of each invoice's way from credit decision to cash, in calendar days and in
-- business days of the invoice's company (weekends and the holiday_calendar seed excluded).
-- Business days between two dates = business days after the first date up to and including
-- the second (the difference of two cumulative business-day numbers). A timestamp's day is its
-- company-local date (company_settings.timezone); the day an invoice was paid is the ledger date
-- of the settlement that closed it (custsettlement.transdate).
with cases as (

    select * from {{ ref('cases') }}

),

companies as (

    select
        company_code,
        timezone
    from {{ ref('company_settings') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

credit as (

    select * from {{ ref('fct_credit_limit_decisions') }}

),

receipts as (

    select * from {{ ref('fct_cash_application') }}

),

disputes as (

    select * from {{ ref('fct_disputes') }}

),

promises as (

    select * from {{ ref('fct_promises_to_pay') }}

),

first_credit_request as (

    select
        *,
        row_number() over (partition by case_id order by requested_at, request_id) as request_rank
    from credit

),

first_receipt as (

    select * from receipts
    where receipt_number = 1

),

dispute_totals as (

    select
        case_id,
        count(*) as dispute_count,
        sum(case when is_resolved then 1 else 0 end) as disputes_resolved,
        sum(dispute_days) as dispute_days_total,
        sum(dispute_business_days) as dispute_business_days_total
    from disputes
    group by case_id

),

promise_totals as (

    select
        case_id,
        count(*) as promise_count,
        sum(case when outcome = 'kept' then 1 else 0 end) as promises_kept,
        sum(case when outcome in ('broken', 'partially_kept') then 1 else 0 end) as promises_broken,
        sum(case when outcome = 'open' then 1 else 0 end) as promises_open
    from promises
    group by case_id

),

joined as (

    select
        cases.*,
        first_credit_request.requested_at as credit_requested_at,
        first_credit_request.decided_at as credit_decided_at,
        first_credit_request.decision as credit_decision,
        first_credit_request.decision_hours as credit_decision_hours,
        first_credit_request.decision_business_days as credit_decision_business_days,
        first_receipt.received_at as first_payment_received_at,
        first_receipt.posted_at as first_payment_posted_at,
        first_receipt.application_lag_hours as cash_application_lag_hours,
        first_receipt.application_lag_business_days as cash_application_lag_business_days,
        dispute_totals.dispute_count,
        dispute_totals.disputes_resolved,
        dispute_totals.dispute_days_total,
        dispute_totals.dispute_business_days_total,
        promise_totals.promise_count,
        promise_totals.promises_kept,
        promise_totals.promises_broken,
        promise_totals.promises_open,
        created_day.business_day_number as created_bdn,
        posted_day.business_day_number as posted_bdn,
        invoice_day.business_day_number as invoice_bdn,
        due_day.business_day_number as due_bdn,
        letter_day.business_day_number as letter_bdn,
        received_day.business_day_number as received_bdn,
        settled_day.business_day_number as settled_bdn,
        -- paid: closed as settled (payments or general-journal offsets, with any credit notes and
        -- non-material write-offs); a credited or written-off invoice was not paid
        case when cases.status = 'settled' then cases.settled_at end as paid_at,
        -- the day it was paid: the ledger date of the closing settlement (custsettlement.transdate)
        case when cases.status = 'settled' then cases.closed_date end as paid_date
    from cases
    left join companies
        on cases.company_code = companies.company_code
    left join first_credit_request
        on
            cases.case_id = first_credit_request.case_id
            and first_credit_request.request_rank = 1
    left join first_receipt
        on cases.case_id = first_receipt.case_id
    left join dispute_totals
        on cases.case_id = dispute_totals.case_id
    left join promise_totals
        on cases.case_id = promise_totals.case_id
    left join calendar as created_day
        on
            cases.company_code = created_day.company_code
            and {{ utc_to_local_date('cases.invoice_created_at', 'companies.timezone') }} = created_day.calendar_date
    left join calendar as posted_day
        on
            cases.company_code = posted_day.company_code
            and {{ utc_to_local_date('cases.invoice_posted_at', 'companies.timezone') }} = posted_day.calendar_date
    left join calendar as invoice_day
        on
            cases.company_code = invoice_day.company_code
            and cases.invoice_date = invoice_day.calendar_date
    left join calendar as due_day
        on
            cases.company_code = due_day.company_code
            and cases.due_date = due_day.calendar_date
    left join calendar as letter_day
        on
            cases.company_code = letter_day.company_code
            and {{ utc_to_local_date('cases.first_letter_at', 'companies.timezone') }} = letter_day.calendar_date
    left join calendar as received_day
        on
            cases.company_code = received_day.company_code
            and {{ utc_to_local_date('first_receipt.received_at', 'companies.timezone') }} = received_day.calendar_date
    left join calendar as settled_day
        on
            cases.company_code = settled_day.company_code
            and cases.status = 'settled'
            and cases.closed_date = settled_day.calendar_date

),

final as (

    select
        case_id,
        company_code,
        invoice_id,
        customer_id,
        customer_segment,
        collector_id,
        payment_terms_id,
        currency,
        status,
        as_of_date,
        credit_requested_at,
        credit_decided_at,
        invoice_created_at,
        invoice_posted_at,
        invoice_date,
        due_date,
        first_letter_at,
        first_payment_received_at,
        first_payment_posted_at,
        settled_at,
        written_off_at,
        credit_decision,
        credit_decision_hours,
        cast(credit_decision_business_days as {{ dbt.type_int() }}) as credit_decision_business_days,
        cast(
            {{ seconds_between('invoice_created_at', 'invoice_posted_at') }} / 3600.0 as {{ dbt.type_numeric() }}
        ) as creation_to_posting_hours,
        cast(posted_bdn - created_bdn as {{ dbt.type_int() }}) as creation_to_posting_business_days,
        cast(
            {{ days_between('invoice_posted_at', 'first_payment_received_at') }} as {{ dbt.type_int() }}
        ) as posting_to_first_payment_days,
        cast(received_bdn - posted_bdn as {{ dbt.type_int() }}) as posting_to_first_payment_business_days,
        cast({{ days_between('invoice_date', 'paid_date') }} as {{ dbt.type_int() }}) as days_to_pay,
        cast(settled_bdn - invoice_bdn as {{ dbt.type_int() }}) as business_days_to_pay,
        cast({{ days_between('due_date', 'paid_date') }} as {{ dbt.type_int() }}) as days_past_due_at_settlement,
        cast(settled_bdn - due_bdn as {{ dbt.type_int() }}) as business_days_past_due_at_settlement,
        cast({{ days_between('due_date', 'first_letter_at') }} as {{ dbt.type_int() }}) as due_to_first_letter_days,
        cast(letter_bdn - due_bdn as {{ dbt.type_int() }}) as due_to_first_letter_business_days,
        cast(coalesce(dispute_count, 0) as {{ dbt.type_int() }}) as dispute_count,
        cast(coalesce(disputes_resolved, 0) as {{ dbt.type_int() }}) as disputes_resolved,
        cast(coalesce(dispute_days_total, 0) as {{ dbt.type_numeric() }}) as dispute_days_total,
        cast(coalesce(dispute_business_days_total, 0) as {{ dbt.type_int() }}) as dispute_business_days_total,
        cast(coalesce(promise_count, 0) as {{ dbt.type_int() }}) as promise_count,
        cast(coalesce(promises_kept, 0) as {{ dbt.type_int() }}) as promises_kept,
        cast(coalesce(promises_broken, 0) as {{ dbt.type_int() }}) as promises_broken,
        case
            when promise_count is null then 'no promise'
            when promises_broken > 0 then 'broken'
            when promises_open > 0 then 'open'
            when promises_kept > 0 then 'kept'
            else 'cancelled'
        end as promise_to_pay_outcome,
        cash_application_lag_hours,
        cast(cash_application_lag_business_days as {{ dbt.type_int() }}) as cash_application_lag_business_days,
        cast({{ days_between('invoice_created_at', 'paid_at') }} as {{ dbt.type_int() }}) as invoice_to_cash_days,
        cast(settled_bdn - created_bdn as {{ dbt.type_int() }}) as invoice_to_cash_business_days
    from joined

)

select * from final
