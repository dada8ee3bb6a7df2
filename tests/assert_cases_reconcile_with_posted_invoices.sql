-- Every posted invoice with a positive amount that staging kept is one case, and nothing else is.
with invoices as (

    select lower(company_code) || ':' || invoiceid as case_id
    from {{ ref('stg_d365__custinvoicejour') }}
    where invoiceamount > 0

),

cases as (

    select case_id from {{ ref('cases') }}

)

select
    coalesce(invoices.case_id, cases.case_id) as case_id,
    case when cases.case_id is null then 'invoice without case' else 'case without invoice' end as problem
from invoices
full outer join cases
    on invoices.case_id = cases.case_id
where invoices.case_id is null or cases.case_id is null
