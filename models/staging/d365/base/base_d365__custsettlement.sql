-- grain: one row per current record of d365.custsettlement (company, recid)
-- rows that cannot be used carry a quarantine_reason
with current_rows as (

    {{ d365_current_versions(source('d365', 'custsettlement'), has_company=true,
        references=[['transrecid', 'base_d365__custtrans', 'recid']]) }}

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
        {{ safe_cast('transrecid', dbt.type_bigint()) }} as transrecid,
        {{ safe_cast('offsetrecid', dbt.type_bigint()) }} as offsetrecid,
        {{ d365_date('transdate') }} as transdate,
        {{ safe_cast('settleamountcur', dbt.type_numeric()) }} as settleamountcur,
        {{ safe_cast('settleamountmst', dbt.type_numeric()) }} as settleamountmst,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        {{ first_unparseable_column(
            'd365', contract_typed_columns('d365', 'custsettlement')
        ) }} as unparseable_column
    from current_rows

),

ref_transrecid as (

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
            when {{ contract_missing_key('d365', 'custsettlement') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.transrecid is not null and ref_transrecid.ref_key is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('d365', 'custsettlement') }}
                then {{ contract_missing_key_detail('d365', 'custsettlement') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type'
            when typed.transrecid is not null and ref_transrecid.ref_key is null
                then
                    'transrecid ' || cast(typed.transrecid as {{ dbt.type_string() }})
                    || ' matches no current custtrans.recid (customer transaction)'
        end as quarantine_detail
    from typed
    left join ref_transrecid
        on
            typed.transrecid = ref_transrecid.ref_key
            and typed.company_code = ref_transrecid.company_code

)

select * from checked
