-- grain: one row per current record of d365.custcollectionletterjour (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custcollectionletterjour'), has_company=true) }}

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
        nullif(trim(accountnum), '') as accountnum,
        {{ safe_cast('collectionlettercode', dbt.type_int()) }} as collectionlettercode,
        {{ d365_date('collectionletterdate') }} as collectionletterdate,
        {{ d365_date('printdate') }} as printdate,
        {{ safe_cast('status', dbt.type_int()) }} as status,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custcollectionletterjour')
        ) }} as unparseable_column
    from current_rows

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'custcollectionletterjour') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custcollectionletterjour') }}
                then {{ contract_missing_key_detail('d365', 'custcollectionletterjour') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
        end as quarantine_detail
    from typed

)

select * from checked
