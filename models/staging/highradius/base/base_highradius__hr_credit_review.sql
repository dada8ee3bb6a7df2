-- grain: one row per credit review (review_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_credit_review', source('highradius', 'hr_credit_review')) }}

),

typed as (

    select
        coalesce(review_id, '') as source_record_id,
        nullif(trim(review_id), '') as review_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(review_type), '') as review_type,
        {{ safe_cast("nullif(trim(requested_limit), '')", dbt.type_numeric()) }} as requested_limit,
        {{ safe_cast("nullif(trim(approved_limit), '')", dbt.type_numeric()) }} as approved_limit,
        nullif(trim(currency), '') as currency,
        nullif(trim(risk_class), '') as risk_class,
        {{ hr_timestamp_utc('requested_at') }} as requested_at,
        nullif(trim(requested_by), '') as requested_by,
        nullif(trim(decision), '') as decision,
        {{ hr_timestamp_utc('decided_at') }} as decided_at,
        nullif(trim(approver_id), '') as approver_id,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_credit_review')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_credit_review') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_credit_review') }}
            order by
                extracted_at desc,
                review_id desc,
                company_code desc,
                customer_number desc,
                review_type desc,
                requested_limit desc,
                approved_limit desc,
                currency desc,
                risk_class desc,
                requested_at desc,
                requested_by desc,
                decision desc,
                decided_at desc,
                approver_id desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_credit_review', relation='', key_only=true) }})
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
            when {{ contract_missing_key('highradius', 'hr_credit_review') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_credit_review') }}
                then {{ contract_missing_key_detail('highradius', 'hr_credit_review') }}
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
