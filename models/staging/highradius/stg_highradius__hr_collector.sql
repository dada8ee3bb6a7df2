-- grain: one row per current, usable collector (collector_id)
with base as (

    select * from {{ ref('base_highradius__hr_collector') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        collector_id,
        collector_name,
        team,
        extracted_at
    from base

)

select * from final
