-- grain: one row per promise to pay (p2p_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_promise_to_pay', source('highradius', 'hr_promise_to_pay'), references=[
        ['invoice_number', 'base_d365__custinvoicejour', 'invoiceid']
    ]) }}

),

typed as (

    select
        coalesce(p2p_id, '') as source_record_id,
        nullif(trim(p2p_id), '') as p2p_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(invoice_number), '') as invoice_number,
        {{ safe_cast("nullif(trim(promised_amount), '')", dbt.type_numeric()) }} as promised_amount,
        nullif(trim(currency), '') as currency,
        {{ safe_cast("nullif(trim(promised_date), '')", 'date') }} as promised_date,
        {{ hr_timestamp_utc('created_at') }} as created_at,
        nullif(trim(created_by), '') as created_by,
        nullif(trim(status), '') as status,
        {{ hr_timestamp_utc('status_changed_at') }} as status_changed_at,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_promise_to_pay')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_promise_to_pay') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_promise_to_pay') }}
            order by
                extracted_at desc,
                p2p_id desc,
                company_code desc,
                customer_number desc,
                invoice_number desc,
                promised_amount desc,
                currency desc,
                promised_date desc,
                created_at desc,
                created_by desc,
                status desc,
                status_changed_at desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_promise_to_pay', relation='', key_only=true) }})
        or version_rank = 1

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

invoices as (

    select distinct
        company_code,
        invoiceid
    from {{ ref('base_d365__custinvoicejour') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_promise_to_pay') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_promise_to_pay') }}
                then {{ contract_missing_key_detail('highradius', 'hr_promise_to_pay') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
            when typed.currency is not null and currency_currency.currency_code is null
                then
                    'currency ' || typed.currency
                    || ' is not an ISO 4217 currency code'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then
                    'invoice_number ' || typed.invoice_number
                    || ' matches no posted D365 invoice of company ' || coalesce(typed.company_code, '?')
        end as quarantine_detail
    from current_rows as typed
    left join currencies as currency_currency
        on upper(typed.currency) = currency_currency.currency_code
    left join invoices
        on
            typed.company_code = invoices.company_code
            and typed.invoice_number = invoices.invoiceid

)

select * from checked
