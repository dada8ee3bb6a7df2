-- grain: one row per receipt event of an invoice (received, posted), per receipt and invoice
-- A receipt that pays three invoices is one real-world event related to three cases: it
-- appears once in each. Links: HighRadius cash application for HighRadius companies; D365
-- settlements (or the invoice marked on the journal line, before posting) for the others.
-- Received: hr_payment.received_at, or the journal line's creation in D365-native companies.
-- Posted: the D365 payment journal's posting time.
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

hr_payments as (

    select * from {{ ref('stg_highradius__hr_payment') }}

),

hr_applications as (

    select * from {{ ref('stg_highradius__hr_cash_application') }}

),

journal_lines as (

    select * from {{ ref('stg_d365__ledgerjournaltrans') }}

),

journals as (

    select * from {{ ref('stg_d365__ledgerjournaltable') }}
    where is_posted

),

settlements as (

    select * from {{ ref('stg_d365__custsettlement') }}

),

ledger as (

    select * from {{ ref('stg_d365__custtrans') }}

),

hr_links as (

    select distinct
        invoices.case_id,
        invoices.currency,
        hr_payments.source_record_id as payment_record_id,
        hr_payments.received_at,
        hr_payments.amount,
        hr_applications.erp_voucher,
        hr_applications.company_code
    from hr_applications
    inner join hr_payments
        on hr_applications.payment_id = hr_payments.payment_id
    inner join invoices
        on
            hr_applications.company_code = invoices.company_code
            and hr_applications.invoice_number = invoices.invoice_id
    where invoices.collections_system = 'HIGHRADIUS'

),

d365_links as (

    -- settled against the invoice's ledger row
    select
        invoices.case_id,
        journal_lines.recid as line_recid
    from invoices
    inner join settlements
        on
            invoices.company_code = settlements.company_code
            and invoices.custtrans_recid = settlements.transrecid
    inner join ledger as payment_rows
        on
            settlements.company_code = payment_rows.company_code
            and settlements.offsetrecid = payment_rows.recid
            and payment_rows.transaction_type = 'payment'
    inner join journal_lines
        on
            payment_rows.company_code = journal_lines.company_code
            and payment_rows.voucher = journal_lines.voucher
    where invoices.collections_system = 'D365'

    union

    -- or marked on the journal line (also before the receipt is posted)
    select
        invoices.case_id,
        journal_lines.recid as line_recid
    from invoices
    inner join journal_lines
        on
            invoices.company_code = journal_lines.company_code
            and invoices.invoice_id = journal_lines.markedinvoice
    where invoices.collections_system = 'D365'

),

posted_links as (

    -- the D365 journal line each receipt was posted with, per case: through the ERP voucher
    -- of the HighRadius cash application, or the D365 links above
    select distinct
        hr_links.case_id,
        journal_lines.recid as line_recid
    from hr_links
    inner join journal_lines
        on
            hr_links.company_code = journal_lines.company_code
            and hr_links.erp_voucher = journal_lines.voucher

    union

    select
        case_id,
        line_recid
    from d365_links

),

received_highradius as (

    select
        case_id,
        'PAYMENT_RECEIVED' as activity_code,
        received_at as event_timestamp,
        'system' as resource,
        'system' as resource_type,
        'highradius' as source_system,
        'hr_payment' as source_table,
        payment_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from hr_links
    where received_at is not null

),

received_d365 as (

    select
        d365_links.case_id,
        'PAYMENT_RECEIVED' as activity_code,
        journal_lines.createddatetime as event_timestamp,
        journal_lines.createdby as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        'ledgerjournaltrans' as source_table,
        journal_lines.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        journal_lines.amountcurcredit - coalesce(journal_lines.amountcurdebit, 0) as amount,
        journal_lines.currencycode as currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from d365_links
    inner join journal_lines
        on d365_links.line_recid = journal_lines.recid

),

posted as (

    select
        posted_links.case_id,
        'PAYMENT_POSTED' as activity_code,
        journals.posteddatetime as event_timestamp,
        journals.createdby as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        'ledgerjournaltable' as source_table,
        journals.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        journal_lines.amountcurcredit - coalesce(journal_lines.amountcurdebit, 0) as amount,
        journal_lines.currencycode as currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from posted_links
    inner join journal_lines
        on posted_links.line_recid = journal_lines.recid
    inner join journals
        on
            journal_lines.company_code = journals.company_code
            and journal_lines.journalnum = journals.journalnum

)

select * from received_highradius
union all
select * from received_d365
union all
select * from posted
