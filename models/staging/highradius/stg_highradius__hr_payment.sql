-- grain: one row per current, usable receipt (payment_id)
with base as (

    select * from {{ ref('base_highradius__hr_payment') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        payment_id,
        company_code,
        customer_number,
        payment_method,
        received_at,
        amount,
        currency,
        remittance_source,
        extracted_at
    from base

)

select * from final
