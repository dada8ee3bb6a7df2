-- grain: one row per current, usable promise to pay (p2p_id)
with base as (

    select * from {{ ref('base_highradius__hr_promise_to_pay') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        p2p_id,
        company_code,
        customer_number,
        invoice_number,
        promised_amount,
        currency,
        promised_date,
        created_at,
        created_by,
        status,
        status_changed_at,
        extracted_at
    from base

)

select * from final
