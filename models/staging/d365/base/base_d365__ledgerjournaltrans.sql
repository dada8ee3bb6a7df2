-- grain: one row per current record of d365.ledgerjournaltrans (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'ledgerjournaltrans'), has_company=true) }}

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
        nullif(trim(journalnum), '') as journalnum,
        {{ safe_cast('linenum', dbt.type_numeric()) }} as linenum,
        nullif(trim(voucher), '') as voucher,
        {{ d365_date('transdate') }} as transdate,
        {{ safe_cast('accounttype', dbt.type_int()) }} as accounttype,
        {{ safe_cast('ledgerdimension', dbt.type_bigint()) }} as ledgerdimension,
        {{ safe_cast('amountcurcredit', dbt.type_numeric()) }} as amountcurcredit,
        {{ safe_cast('amountcurdebit', dbt.type_numeric()) }} as amountcurdebit,
        nullif(trim(currencycode), '') as currencycode,
        nullif(trim(markedinvoice), '') as markedinvoice,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'ledgerjournaltrans')
        ) }} as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'ledgerjournaltrans') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then 'UNKNOWN_CURRENCY'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'ledgerjournaltrans') }}
                then {{ contract_missing_key_detail('d365', 'ledgerjournaltrans') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then
                    'currencycode ' || typed.currencycode
                    || ' is not an ISO 4217 currency code'
        end as quarantine_detail
    from typed
    left join currencies as currency_currencycode
        on upper(typed.currencycode) = currency_currencycode.currency_code

)

select * from checked
