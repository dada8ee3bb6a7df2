-- grain: one row per current, usable correspondence (correspondence_id)
with base as (

    select * from {{ ref('base_highradius__hr_correspondence') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        correspondence_id,
        company_code,
        customer_number,
        template_name,
        dunning_level,
        channel,
        sent_at,
        sent_by,
        delivery_status,
        extracted_at
    from base

)

select * from final
