-- grain: one row per current record of d365.custdisputehistory (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custdisputehistory'), has_company=true,
        references=[['custtrans', 'base_d365__custtrans', 'recid']]) }}

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
        {{ safe_cast('custtrans', dbt.type_bigint()) }} as custtrans,
        {{ safe_cast('status', dbt.type_int()) }} as status,
        {{ d365_date('statuschangeddate') }} as statuschangeddate,
        {{ d365_date('followupdate') }} as followupdate,
        nullif(trim(reasoncode), '') as reasoncode,
        {{ safe_cast('responsibleworker', dbt.type_bigint()) }} as responsibleworker,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custdisputehistory')
        ) }} as unparseable_column
    from current_rows

),

ref_custtrans as (

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
            when {{ contract_missing_key('d365', 'custdisputehistory') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.custtrans is not null and ref_custtrans.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custdisputehistory') }}
                then {{ contract_missing_key_detail('d365', 'custdisputehistory') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.custtrans is not null and ref_custtrans.ref_key is null
                then
                    'custtrans ' || cast(typed.custtrans as {{ dbt.type_string() }})
                    || ' matches no current custtrans.recid (customer transaction)'
        end as quarantine_detail
    from typed
    left join ref_custtrans
        on
            typed.custtrans = ref_custtrans.ref_key
            and typed.company_code = ref_custtrans.company_code

)

select * from checked
