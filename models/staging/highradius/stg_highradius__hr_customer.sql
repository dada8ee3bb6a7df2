-- grain: one row per current, usable HighRadius customer (company_code, customer_number)
with base as (

    select * from {{ ref('base_highradius__hr_customer') }}
    where quarantine_reason is null

),

final as (

    select
        source_record_id,
        company_code,
        customer_number,
        customer_name,
        segment,
        risk_class,
        collector_id,
        credit_limit,
        currency,
        extracted_at
    from base

)

select * from final
