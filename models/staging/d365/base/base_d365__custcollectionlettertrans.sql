-- grain: one row per current record of d365.custcollectionlettertrans (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custcollectionlettertrans'), has_company=true,
        references=[['custtransid', 'base_d365__custtrans', 'recid']]) }}

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
        nullif(trim(collectionletternum), '') as collectionletternum,
        {{ safe_cast('custtransid', dbt.type_bigint()) }} as custtransid,
        nullif(trim(invoice), '') as invoice,
        {{ safe_cast('collectionlettercode', dbt.type_int()) }} as collectionlettercode,
        {{ d365_date('duedate') }} as duedate,
        {{ safe_cast('remainamount', dbt.type_numeric()) }} as remainamount,
        {{ d365_date('transdate') }} as transdate,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custcollectionlettertrans')
        ) }} as unparseable_column
    from current_rows

),

ref_custtransid as (

    select distinct
        company_code,
        recid as ref_key
    from {{ ref('base_d365__custtrans') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'custcollectionlettertrans') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.custtransid is not null and ref_custtransid.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custcollectionlettertrans') }}
                then {{ contract_missing_key_detail('d365', 'custcollectionlettertrans') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.custtransid is not null and ref_custtransid.ref_key is null
                then
                    'custtransid ' || cast(typed.custtransid as {{ dbt.type_string() }})
                    || ' matches no current custtrans.recid (customer transaction)'
        end as quarantine_detail
    from typed
    left join ref_custtransid
        on
            typed.custtransid = ref_custtransid.ref_key
            and typed.company_code = ref_custtransid.company_code

)

select * from checked
