-- grain: one row per current record of d365.dimensionattributevaluecombination (recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'dimensionattributevaluecombination'), has_company=false) }}

),

typed as (

    select
        record_key,
        coalesce(
            cast(recid as {{ dbt.type_string() }}),
            'no recid, version ' || cast(versionnumber as {{ dbt.type_string() }})
        ) as source_record_id,
        {{ safe_cast('recid', dbt.type_bigint()) }} as recid,
        nullif(trim(displayvalue), '') as displayvalue,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'dimensionattributevaluecombination')
        ) }} as unparseable_column
    from current_rows

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('d365', 'dimensionattributevaluecombination') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'dimensionattributevaluecombination') }}
                then {{ contract_missing_key_detail('d365', 'dimensionattributevaluecombination') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
        end as quarantine_detail
    from typed

)

select * from checked
