-- grain: one row per current record of d365.custtable (company, recid); rows that cannot be used carry a quarantine_reason
with source as (

    select * from {{ source('d365', 'custtable') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ normalise_company('dataareaid') }}, recid
            order by versionnumber desc, sinkmodifiedon desc, coalesce(isdelete, 0) desc
        ) as version_rank
    from source

),

current_rows as (

    -- the latest version of each record, unless it is a deletion; rows without a key
    -- are kept as they are so that they reach the quarantine
    select * from ranked
    where (recid is null or dataareaid is null) or (version_rank = 1 and coalesce(isdelete, 0) <> 1)

),

typed as (

    select
        cast(recid as {{ dbt.type_string() }}) as source_record_id,
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
        (
            (recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null)
            or (party is not null and {{ safe_cast('party', dbt.type_bigint()) }} is null)
            or (creditmax is not null and {{ safe_cast('creditmax', dbt.type_numeric()) }} is null)
            or (blocked is not null and {{ safe_cast('blocked', dbt.type_int()) }} is null)
            or (createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null)
            or (modifieddatetime is not null and {{ safe_cast('modifieddatetime', dbt.type_timestamp()) }} is null)
        ) as has_unparseable_value,
        case
            when recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null then 'recid'
            when party is not null and {{ safe_cast('party', dbt.type_bigint()) }} is null then 'party'
            when creditmax is not null and {{ safe_cast('creditmax', dbt.type_numeric()) }} is null then 'creditmax'
            when blocked is not null and {{ safe_cast('blocked', dbt.type_int()) }} is null then 'blocked'
            when createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null then 'createddatetime'
            when modifieddatetime is not null and {{ safe_cast('modifieddatetime', dbt.type_timestamp()) }} is null then 'modifieddatetime'
        end as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

checked as (

    select
        typed.*,
        case
            when typed.recid is null or typed.company_code is null or typed.accountnum is null then 'MISSING_KEY'
            when typed.has_unparseable_value then 'UNPARSEABLE_VALUE'
            when typed.currency is not null and currency_currency.currency_code is null then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when typed.recid is null or typed.company_code is null or typed.accountnum is null then case when typed.recid is null then 'recid is missing' when typed.company_code is null then 'company_code is missing' when typed.accountnum is null then 'accountnum is missing' end
            when typed.has_unparseable_value then typed.unparseable_column || ' does not convert to its contract type'
            when typed.currency is not null and currency_currency.currency_code is null then 'currency ' || typed.currency || ' is not an ISO 4217 currency code'
        end as quarantine_detail
    from typed
    left join currencies as currency_currency
        on currency_currency.currency_code = upper(typed.currency)

)

select * from checked
