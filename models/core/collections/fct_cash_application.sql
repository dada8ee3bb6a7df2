-- grain: one row per receipt applied to an invoice (payment_event_id = event_id of its
-- Payment Received event; a receipt that pays three invoices has a row in each case)
-- Cash application: from the receipt to its posting in the ledger. The posting is the Payment
-- Posted event paired with the receipt in the macro paired_events (the first receipt of a case with
-- its first posting, and so on); none yet: not posted.
with pairs as (

    {{ paired_events('payment', ['PAYMENT_RECEIVED'], ['PAYMENT_POSTED']) }}

),

cases as (

    select * from {{ ref('cases') }}

),

final as (

    select
        pairs.opening_event_id as payment_event_id,
        pairs.case_id,
        pairs.company_code,
        pairs.invoice_id,
        pairs.customer_id,
        cases.customer_segment,
        pairs.pair_number as receipt_number,
        pairs.opening_source_system as source_system,
        pairs.opening_source_record_id as source_record_id,
        pairs.opening_at as received_at,
        pairs.opening_amount as received_amount,
        pairs.opening_currency as currency,
        pairs.closing_event_id as posting_event_id,
        pairs.closing_at as posted_at,
        pairs.closing_resource as posted_by,
        pairs.closing_event_id is not null as is_posted,
        cast(
            {{ seconds_between('pairs.opening_at', 'pairs.closing_at') }} / 3600.0
            as {{ dbt.type_numeric() }}
        ) as application_lag_hours,
        cast(
            {{ days_between('pairs.opening_at', 'pairs.closing_at') }} as {{ dbt.type_int() }}
        ) as application_lag_days,
        cast(
            pairs.closing_business_day_number - pairs.opening_business_day_number as {{ dbt.type_int() }}
        ) as application_lag_business_days
    from pairs
    inner join cases
        on pairs.case_id = cases.case_id

)

select * from final
