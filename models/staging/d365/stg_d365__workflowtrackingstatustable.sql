-- grain: one row per current, usable workflow instance (recid)
with base as (

    select * from {{ ref('base_d365__workflowtrackingstatustable') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.recid,
        base.contextrecid,
        base.documenttype,
        base.createddatetime,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
