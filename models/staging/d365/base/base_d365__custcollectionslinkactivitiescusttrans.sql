-- grain: one row per current record of d365.custcollectionslinkactivitiescusttrans (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custcollectionslinkactivitiescusttrans'), has_company=true,
        references=[['refrecid', 'base_d365__custtrans', 'recid'], ['primaryrecid', 'base_d365__smmactivities', 'recid']]) }}

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
        {{ safe_cast('primaryrecid', dbt.type_bigint()) }} as primaryrecid,
        {{ safe_cast('refrecid', dbt.type_bigint()) }} as refrecid,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custcollectionslinkactivitiescusttrans')
        ) }} as unparseable_column
    from current_rows

),

ref_refrecid as (

    select distinct
        company_code,
        recid as ref_key
    from {{ ref('base_d365__custtrans') }}
    where quarantine_reason is null

),

ref_primaryrecid as (

    select distinct
        company_code,
        recid as ref_key
    from {{ ref('base_d365__smmactivities') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'custcollectionslinkactivitiescusttrans') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.refrecid is not null and ref_refrecid.ref_key is null
                then 'ORPHAN_REFERENCE'
            when typed.primaryrecid is not null and ref_primaryrecid.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custcollectionslinkactivitiescusttrans') }}
                then {{ contract_missing_key_detail('d365', 'custcollectionslinkactivitiescusttrans') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.refrecid is not null and ref_refrecid.ref_key is null
                then
                    'refrecid ' || cast(typed.refrecid as {{ dbt.type_string() }})
                    || ' matches no current custtrans.recid (customer transaction)'
            when typed.primaryrecid is not null and ref_primaryrecid.ref_key is null
                then
                    'primaryrecid ' || cast(typed.primaryrecid as {{ dbt.type_string() }})
                    || ' matches no current smmactivities.recid (activity)'
        end as quarantine_detail
    from typed
    left join ref_refrecid
        on
            typed.refrecid = ref_refrecid.ref_key
            and typed.company_code = ref_refrecid.company_code
    left join ref_primaryrecid
        on
            typed.primaryrecid = ref_primaryrecid.ref_key
            and typed.company_code = ref_primaryrecid.company_code

)

select * from checked
