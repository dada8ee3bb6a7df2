-- grain: one row per case: a posted customer invoice with a positive amount (company, invoice id)
{{ config(materialized='table') }}

with journal as (

    select * from {{ ref('stg_d365__custinvoicejour') }}
    where invoiceamount > 0

),

drafts as (

    -- the free-text draft an invoice was posted from: its creation is "Invoice Created"
    select
        company_code,
        invoiceid,
        min(createddatetime) as draft_created_at,
        min(source_record_id) as draft_record_id
    from {{ ref('stg_d365__custinvoicetable') }}
    where invoiceid is not null
    group by company_code, invoiceid

),

ledger as (

    -- the invoice's own row in the customer ledger (settlements, letters and disputes refer to it)
    select
        company_code,
        invoice,
        min(recid) as custtrans_recid
    from {{ ref('stg_d365__custtrans') }}
    where transaction_type in ('sales', 'customer') and amountcur > 0 and invoice is not null
    group by company_code, invoice

),

highradius_companies as (

    -- a company listed in the HighRadius customer file runs its collections in HighRadius
    select distinct company_code
    from {{ ref('stg_highradius__hr_customer') }}

),

final as (

    select
        journal.company_code,
        journal.invoiceid as invoice_id,
        journal.invoiceaccount as customer_id,
        journal.recid as invoice_recid,
        journal.source_record_id,
        ledger.custtrans_recid,
        drafts.draft_record_id,
        journal.createddatetime as invoice_posted_at,
        journal.invoicedate as invoice_date,
        journal.duedate as due_date,
        journal.payment as payment_terms_id,
        journal.refnum_name as invoice_origin,
        journal.currencycode as currency,
        journal.invoiceamount as invoice_amount,
        journal.invoiceamountmst as invoice_amount_accounting,
        journal.createdby as created_by,
        lower(journal.company_code) || ':' || journal.invoiceid as case_id,
        coalesce(drafts.draft_created_at, journal.createddatetime) as invoice_created_at,
        case when highradius_companies.company_code is not null then 'HIGHRADIUS' else 'D365' end
            as collections_system
    from journal
    left join drafts
        on journal.company_code = drafts.company_code and journal.invoiceid = drafts.invoiceid
    left join ledger
        on journal.company_code = ledger.company_code and journal.invoiceid = ledger.invoice
    left join highradius_companies
        on journal.company_code = highradius_companies.company_code

)

select * from final
