-- grain: one row per current record of d365.custinvoicejour (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custinvoicejour'), has_company=true,
        references=[['invoiceaccount', 'base_d365__custtable', 'accountnum']]) }}

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
        nullif(trim(invoiceid), '') as invoiceid,
        {{ d365_date('invoicedate') }} as invoicedate,
        {{ d365_date('duedate') }} as duedate,
        {{ safe_cast('invoiceamount', dbt.type_numeric()) }} as invoiceamount,
        {{ safe_cast('invoiceamountmst', dbt.type_numeric()) }} as invoiceamountmst,
        nullif(trim(currencycode), '') as currencycode,
        nullif(trim(invoiceaccount), '') as invoiceaccount,
        nullif(trim(payment), '') as payment,
        nullif(trim(ledgervoucher), '') as ledgervoucher,
        nullif(trim(salesid), '') as salesid,
        {{ safe_cast('refnum', dbt.type_int()) }} as refnum,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custinvoicejour')
        ) }} as unparseable_column
    from current_rows

),

currencies as (

    select currency_code from {{ ref('iso_currencies') }}

),

ref_invoiceaccount as (

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
            when {{ contract_missing_key('d365', 'custinvoicejour') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then 'UNKNOWN_CURRENCY'
            when typed.invoiceaccount is not null and ref_invoiceaccount.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custinvoicejour') }}
                then {{ contract_missing_key_detail('d365', 'custinvoicejour') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.currencycode is not null and currency_currencycode.currency_code is null
                then
                    'currencycode ' || typed.currencycode
                    || ' is not an ISO 4217 currency code'
            when typed.invoiceaccount is not null and ref_invoiceaccount.ref_key is null
                then
                    'invoiceaccount ' || cast(typed.invoiceaccount as {{ dbt.type_string() }})
                    || ' matches no current custtable.accountnum (customer account)'
        end as quarantine_detail
    from typed
    left join currencies as currency_currencycode
        on upper(typed.currencycode) = currency_currencycode.currency_code
    left join ref_invoiceaccount
        on
            typed.invoiceaccount = ref_invoiceaccount.ref_key
            and typed.company_code = ref_invoiceaccount.company_code

)

select * from checked
