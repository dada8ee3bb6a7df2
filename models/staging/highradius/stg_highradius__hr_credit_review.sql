-- grain: one row per current, usable credit review (review_id)
with base as (

    select * from {{ ref('base_highradius__hr_credit_review') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        review_id,
        company_code,
        customer_number,
        review_type,
        requested_limit,
        approved_limit,
        currency,
        risk_class,
        requested_at,
        requested_by,
        decision,
        decided_at,
        approver_id,
        extracted_at
    from base

)

select * from final
