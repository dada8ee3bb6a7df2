-- grain: one row per current record of d365.custtrans (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custtrans'), has_company=true,
        references=[['accountnum', 'base_d365__custtable', 'accountnum']]) }}

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
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custtrans')
        ) }} as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

ref_accountnum as (

    select distinct
        company_code,
        accountnum as ref_key
    from {{ ref('base_d365__custtable') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'custtrans') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then 'UNKNOWN_CURRENCY'
            when typed.accountnum is not null and ref_accountnum.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custtrans') }}
                then {{ contract_missing_key_detail('d365', 'custtrans') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then
                    'currencycode ' || typed.currencycode
                    || ' is not an ISO 4217 currency code'
            when typed.accountnum is not null and ref_accountnum.ref_key is null
                then
                    'accountnum ' || cast(typed.accountnum as {{ dbt.type_string() }})
                    || ' matches no current custtable.accountnum (customer account)'
        end as quarantine_detail
    from typed
    left join currencies as currency_currencycode
        on upper(typed.currencycode) = currency_currencycode.currency_code
    left join ref_accountnum
        on
            typed.accountnum = ref_accountnum.ref_key
            and typed.company_code = ref_accountnum.company_code

)

select * from checked
