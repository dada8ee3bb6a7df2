{{ config(group='process_mining') }}
-- Every posted invoice with a positive amount in the raw journal (the current change row of
-- each record, not deleted) that the quarantine did not set aside is exactly one case, and
-- nothing else is. Read from the landing zone itself, not from the staging view the cases
-- are built from. Fails with one row per invoice without a case or case without an invoice.
with raw_rows as (

    select
        recid,
        invoiceid,
        invoiceamount,
        isdelete,
        upper(trim(dataareaid)) as company_code,
        row_number() over (
            partition by upper(trim(dataareaid)), recid
            order by versionnumber desc, sinkmodifiedon desc, coalesce(isdelete, 0) desc
        ) as version_rank
    from {{ source('d365', 'custinvoicejour') }}

),

quarantined as (

    select source_record_id
    from {{ ref('quarantine') }}
    where source_system = 'd365' and source_table = 'custinvoicejour'

),

invoices as (

    select lower(raw_rows.company_code) || ':' || raw_rows.invoiceid as case_id
    from raw_rows
    left join quarantined
        on cast(raw_rows.recid as {{ dbt.type_string() }}) = quarantined.source_record_id
    where
        raw_rows.version_rank = 1
        and coalesce(raw_rows.isdelete, 0) <> 1
        and raw_rows.invoiceamount > 0
        and quarantined.source_record_id is null

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
