-- grain: one row per current record of d365.workflowtrackingtable (recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'workflowtrackingtable'), has_company=false,
        references=[['workflowtrackingstatustable', 'base_d365__workflowtrackingstatustable', 'recid']]) }}

),

typed as (

    select
        record_key,
        coalesce(
            cast(recid as {{ dbt.type_string() }}),
            'no recid, version ' || cast(versionnumber as {{ dbt.type_string() }})
        ) as source_record_id,
        {{ safe_cast('recid', dbt.type_bigint()) }} as recid,
        {{ safe_cast('workflowtrackingstatustable', dbt.type_bigint()) }} as workflowtrackingstatustable,
        {{ safe_cast('trackingtype', dbt.type_int()) }} as trackingtype,
        nullif(trim(user), '') as user_id,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'workflowtrackingtable')
        ) }} as unparseable_column
    from current_rows

),

ref_workflowtrackingstatustable as (

    select distinct recid as ref_key
    from {{ ref('base_d365__workflowtrackingstatustable') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'workflowtrackingtable') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.workflowtrackingstatustable is not null and ref_workflowtrackingstatustable.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'workflowtrackingtable') }}
                then {{ contract_missing_key_detail('d365', 'workflowtrackingtable') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.workflowtrackingstatustable is not null and ref_workflowtrackingstatustable.ref_key is null
                then
                    'workflowtrackingstatustable ' || cast(typed.workflowtrackingstatustable as {{ dbt.type_string() }})
                    || ' matches no current workflowtrackingstatustable.recid (workflow instance)'
        end as quarantine_detail
    from typed
    left join ref_workflowtrackingstatustable
        on typed.workflowtrackingstatustable = ref_workflowtrackingstatustable.ref_key

)

select * from checked
