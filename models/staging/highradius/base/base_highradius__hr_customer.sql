-- grain: one row per HighRadius customer (company_code, customer_number), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_customer', source('highradius', 'hr_customer')) }}

),

typed as (

    select
        coalesce(company_code, '')
        || '|' || coalesce(customer_number, '') as source_record_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(customer_name), '') as customer_name,
        nullif(trim(segment), '') as segment,
        nullif(trim(risk_class), '') as risk_class,
        nullif(trim(collector_id), '') as collector_id,
        {{ safe_cast("nullif(trim(credit_limit), '')", dbt.type_numeric()) }} as credit_limit,
        nullif(trim(currency), '') as currency,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_customer')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_customer') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_customer') }}
            order by
                extracted_at desc,
                company_code desc,
                customer_number desc,
                customer_name desc,
                segment desc,
                risk_class desc,
                collector_id desc,
                credit_limit desc,
                currency desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_customer', relation='', key_only=true) }})
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
            when {{ contract_missing_key('highradius', 'hr_customer') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_customer') }}
                then {{ contract_missing_key_detail('highradius', 'hr_customer') }}
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
