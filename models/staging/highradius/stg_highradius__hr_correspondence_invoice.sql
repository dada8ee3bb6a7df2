-- grain: one row per current, usable correspondence-invoice link (correspondence_id, invoice_number)
with base as (

    select * from {{ ref('base_highradius__hr_correspondence_invoice') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        correspondence_id,
        invoice_number,
        extracted_at
    from base

)

select * from final
