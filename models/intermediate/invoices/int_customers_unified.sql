-- grain: one row per customer account (company, customer id)
-- The customer master of D365 (name from the party), with the HighRadius view of the customer
-- (segment, collector, risk) where the company runs collections in HighRadius.
with customers as (

    select * from {{ ref('stg_d365__custtable') }}

),

parties as (

    select * from {{ ref('stg_d365__dirpartytable') }}

),

payment_terms as (

    select * from {{ ref('stg_d365__paymterm') }}

),

hr_customers as (

    select * from {{ ref('stg_highradius__hr_customer') }}

),

final as (

    select
        customers.company_code,
        customers.accountnum as customer_id,
        customers.custgroup as customer_group,
        customers.paymtermid as payment_terms_id,
        payment_terms.numofdays as payment_terms_days,
        customers.creditmax as credit_limit,
        customers.currency as customer_currency,
        hr_customers.collector_id,
        hr_customers.risk_class,
        coalesce(parties.name, hr_customers.customer_name) as customer_name,
        coalesce(customers.segmentid, hr_customers.segment) as customer_segment
    from customers
    left join parties
        on customers.party = parties.recid
    left join payment_terms
        on
            customers.company_code = payment_terms.company_code
            and customers.paymtermid = payment_terms.paymtermid
    left join hr_customers
        on
            customers.company_code = hr_customers.company_code
            and customers.accountnum = hr_customers.customer_number

)

select * from final
