-- grain: one row per current, usable activity-to-invoice link (company, recid)
with base as (

    select * from {{ ref('base_d365__custcollectionslinkactivitiescusttrans') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.primaryrecid,
        base.refrecid,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
