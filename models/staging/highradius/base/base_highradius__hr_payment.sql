-- grain: one row per receipt (payment_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_payment', source('highradius', 'hr_payment')) }}

),

typed as (

    select
        coalesce(payment_id, '') as source_record_id,
        nullif(trim(payment_id), '') as payment_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(payment_method), '') as payment_method,
        {{ hr_timestamp_utc('received_at') }} as received_at,
        {{ safe_cast("nullif(trim(amount), '')", dbt.type_numeric()) }} as amount,
        nullif(trim(currency), '') as currency,
        nullif(trim(remittance_source), '') as remittance_source,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_payment')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_payment') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_payment') }}
            order by
                extracted_at desc,
                payment_id desc,
                company_code desc,
                customer_number desc,
                payment_method desc,
                received_at desc,
                amount desc,
                currency desc,
                remittance_source desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_payment', relation='', key_only=true) }})
        or version_rank = 1

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_payment') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_payment') }}
                then {{ contract_missing_key_detail('highradius', 'hr_payment') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
            when typed.currency is not null and currency_currency.currency_code is null
                then
                    'currency ' || typed.currency
                    || ' is not an ISO 4217 currency code'
        end as quarantine_detail
    from current_rows as typed
    left join currencies as currency_currency
        on upper(typed.currency) = currency_currency.currency_code

)

select * from checked
