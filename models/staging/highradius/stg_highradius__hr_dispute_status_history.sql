-- grain: one row per current, usable dispute status change (dispute_id, status, changed_at)
with base as (

    select * from {{ ref('base_highradius__hr_dispute_status_history') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        dispute_id,
        status,
        changed_at,
        changed_by,
        extracted_at
    from base

)

select * from final
