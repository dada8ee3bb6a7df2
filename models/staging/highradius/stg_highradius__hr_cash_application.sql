-- grain: one row per current, usable cash application (application_id)
with base as (

    select * from {{ ref('base_highradius__hr_cash_application') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        application_id,
        payment_id,
        company_code,
        invoice_number,
        applied_amount,
        match_type,
        matched_at,
        matched_by,
        posted_to_erp_at,
        erp_voucher,
        extracted_at
    from base

)

select * from final
