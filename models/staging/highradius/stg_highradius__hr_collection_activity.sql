-- grain: one row per current, usable collection activity (activity_id)
with base as (

    select * from {{ ref('base_highradius__hr_collection_activity') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        activity_id,
        company_code,
        customer_number,
        invoice_number,
        activity_type,
        outcome_code,
        collector_id,
        created_at,
        completed_at,
        extracted_at
    from base

)

select * from final
