-- grain: one row per current record of d365.custtrans (company, recid); rows that cannot be used carry a quarantine_reason
with source as (

    select * from {{ source('d365', 'custtrans') }}

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
        nullif(trim(invoice), '') as invoice,
        nullif(trim(voucher), '') as voucher,
        {{ d365_date('transdate') }} as transdate,
        {{ d365_date('duedate') }} as duedate,
        {{ safe_cast('transtype', dbt.type_int()) }} as transtype,
        {{ safe_cast('amountcur', dbt.type_numeric()) }} as amountcur,
        {{ safe_cast('amountmst', dbt.type_numeric()) }} as amountmst,
        {{ safe_cast('settleamountcur', dbt.type_numeric()) }} as settleamountcur,
        nullif(trim(currencycode), '') as currencycode,
        {{ d365_date('closed') }} as closed,
        {{ d365_date('lastsettledate') }} as lastsettledate,
        {{ safe_cast('collectionlettercode', dbt.type_int()) }} as collectionlettercode,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        (
            (recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null)
            or (transtype is not null and {{ safe_cast('transtype', dbt.type_int()) }} is null)
            or (amountcur is not null and {{ safe_cast('amountcur', dbt.type_numeric()) }} is null)
            or (amountmst is not null and {{ safe_cast('amountmst', dbt.type_numeric()) }} is null)
            or (settleamountcur is not null and {{ safe_cast('settleamountcur', dbt.type_numeric()) }} is null)
            or (collectionlettercode is not null and {{ safe_cast('collectionlettercode', dbt.type_int()) }} is null)
            or (transdate is not null and {{ safe_cast('transdate', 'date') }} is null)
            or (duedate is not null and {{ safe_cast('duedate', 'date') }} is null)
            or (closed is not null and {{ safe_cast('closed', 'date') }} is null)
            or (lastsettledate is not null and {{ safe_cast('lastsettledate', 'date') }} is null)
            or (createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null)
        ) as has_unparseable_value,
        case
            when recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null then 'recid'
            when transtype is not null and {{ safe_cast('transtype', dbt.type_int()) }} is null then 'transtype'
            when amountcur is not null and {{ safe_cast('amountcur', dbt.type_numeric()) }} is null then 'amountcur'
            when amountmst is not null and {{ safe_cast('amountmst', dbt.type_numeric()) }} is null then 'amountmst'
            when settleamountcur is not null and {{ safe_cast('settleamountcur', dbt.type_numeric()) }} is null then 'settleamountcur'
            when collectionlettercode is not null and {{ safe_cast('collectionlettercode', dbt.type_int()) }} is null then 'collectionlettercode'
            when transdate is not null and {{ safe_cast('transdate', 'date') }} is null then 'transdate'
            when duedate is not null and {{ safe_cast('duedate', 'date') }} is null then 'duedate'
            when closed is not null and {{ safe_cast('closed', 'date') }} is null then 'closed'
            when lastsettledate is not null and {{ safe_cast('lastsettledate', 'date') }} is null then 'lastsettledate'
            when createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null then 'createddatetime'
        end as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

ref_accountnum as (

    select distinct company_code, accountnum as ref_key
    from {{ ref('base_d365__custtable') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        case
            when typed.recid is null or typed.company_code is null then 'MISSING_KEY'
            when typed.has_unparseable_value then 'UNPARSEABLE_VALUE'
            when typed.currencycode is not null and currency_currencycode.currency_code is null then 'UNKNOWN_CURRENCY'
            when typed.accountnum is not null and ref_accountnum.ref_key is null then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when typed.recid is null or typed.company_code is null then case when typed.recid is null then 'recid is missing' when typed.company_code is null then 'company_code is missing' end
            when typed.has_unparseable_value then typed.unparseable_column || ' does not convert to its contract type'
            when typed.currencycode is not null and currency_currencycode.currency_code is null then 'currencycode ' || typed.currencycode || ' is not an ISO 4217 currency code'
            when typed.accountnum is not null and ref_accountnum.ref_key is null then 'accountnum ' || cast(typed.accountnum as {{ dbt.type_string() }}) || ' matches no current custtable.accountnum (customer account)'
        end as quarantine_detail
    from typed
    left join currencies as currency_currencycode
        on currency_currencycode.currency_code = upper(typed.currencycode)
    left join ref_accountnum
        on ref_accountnum.ref_key = typed.accountnum and ref_accountnum.company_code = typed.company_code

)

select * from checked
