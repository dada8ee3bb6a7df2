-- grain: one row per current record of d365.custtable (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custtable'), has_company=true) }}

),

earliest_versions as (

    -- the customer's earliest version in the lake (deletions aside): the credit limit it held
    -- then opens the dated credit-limit history when no adjustment journal tells it
    select
        company_code,
        recid,
        creditmax
    from (
        select
            {{ normalise_company('dataareaid') }} as company_code,
            {{ safe_cast('recid', dbt.type_bigint()) }} as recid,
            {{ safe_cast('creditmax', dbt.type_numeric()) }} as creditmax,
            row_number() over (
                partition by {{ normalise_company('dataareaid') }}, recid
                order by versionnumber, sinkmodifiedon
            ) as version_order
        from {{ source('d365', 'custtable') }}
        where coalesce(isdelete, 0) <> 1
    ) as versions
    where version_order = 1

),

typed as (

    select
        record_key,
        coalesce(
            cast(recid as {{ dbt.type_string() }}),
            'no recid, version ' || cast(versionnumber as {{ dbt.type_string() }})
        ) as source_record_id,
        {{ normalise_company('dataareaid') }} as company_code,
        {{ safe_cast('recid', dbt.type_bigint()) }} as recid,
        nullif(trim(accountnum), '') as accountnum,
        {{ safe_cast('party', dbt.type_bigint()) }} as party,
        nullif(trim(custgroup), '') as custgroup,
        nullif(trim(segmentid), '') as segmentid,
        nullif(trim(lineofbusinessid), '') as lineofbusinessid,
        {{ safe_cast('creditmax', dbt.type_numeric()) }} as creditmax,
        nullif(trim(paymtermid), '') as paymtermid,
        nullif(trim(currency), '') as currency,
        {{ safe_cast('blocked', dbt.type_int()) }} as blocked,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        {{ d365_timestamp('modifieddatetime') }} as modifieddatetime,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custtable')
        ) }} as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

checked as (

    select
        typed.*,
        earliest_versions.creditmax as earliest_creditmax,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'custtable') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null
                then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custtable') }}
                then {{ contract_missing_key_detail('d365', 'custtable') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.currency is not null and currency_currency.currency_code is null
                then
                    'currency ' || typed.currency
                    || ' is not an ISO 4217 currency code'
        end as quarantine_detail
    from typed
    left join earliest_versions
        on
            typed.company_code = earliest_versions.company_code
            and typed.recid = earliest_versions.recid
    left join currencies as currency_currency
        on upper(typed.currency) = currency_currency.currency_code

)

select * from checked
