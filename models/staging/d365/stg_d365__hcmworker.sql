-- grain: one row per current, usable worker (recid)
with base as (

    select * from {{ ref('base_d365__hcmworker') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.recid,
        base.person,
        base.personnelnumber,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
