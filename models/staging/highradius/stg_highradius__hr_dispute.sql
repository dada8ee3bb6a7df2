-- grain: one row per current, usable dispute (dispute_id)
with base as (

    select * from {{ ref('base_highradius__hr_dispute') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        dispute_id,
        dispute_type,
        company_code,
        customer_number,
        invoice_number,
        customer_reason_code,
        internal_reason_code,
        amount,
        currency,
        status,
        owner_id,
        opened_at,
        resolved_at,
        resolution_type,
        extracted_at
    from base

)

select * from final
