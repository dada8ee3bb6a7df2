-- grain: one row per dispute (dispute_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_dispute', source('highradius', 'hr_dispute'), references=[
        ['invoice_number', 'base_d365__custinvoicejour', 'invoiceid']
    ]) }}

),

typed as (

    select
        coalesce(dispute_id, '') as source_record_id,
        nullif(trim(dispute_id), '') as dispute_id,
        nullif(trim(dispute_type), '') as dispute_type,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(invoice_number), '') as invoice_number,
        nullif(trim(customer_reason_code), '') as customer_reason_code,
        nullif(trim(internal_reason_code), '') as internal_reason_code,
        {{ safe_cast("nullif(trim(amount), '')", dbt.type_numeric()) }} as amount,
        nullif(trim(currency), '') as currency,
        nullif(trim(status), '') as status,
        nullif(trim(owner_id), '') as owner_id,
        {{ hr_timestamp_utc('opened_at') }} as opened_at,
        {{ hr_timestamp_utc('resolved_at') }} as resolved_at,
        nullif(trim(resolution_type), '') as resolution_type,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_dispute')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_dispute') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_dispute') }}
            order by
                extracted_at desc,
                dispute_id desc,
                dispute_type desc,
                company_code desc,
                customer_number desc,
                invoice_number desc,
                customer_reason_code desc,
                internal_reason_code desc,
                amount desc,
                currency desc,
                status desc,
                owner_id desc,
                opened_at desc,
                resolved_at desc,
                resolution_type desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_dispute', relation='', key_only=true) }})
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
            when {{ contract_missing_key('highradius', 'hr_dispute') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_dispute') }}
                then {{ contract_missing_key_detail('highradius', 'hr_dispute') }}
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
