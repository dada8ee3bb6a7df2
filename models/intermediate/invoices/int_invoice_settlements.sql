-- grain: one row per settlement of an invoice: the invoice side of a custsettlement pair
-- (case_id, settlement_record_id)
-- What settled an invoice, when, and what was left open after it. The offset row of the customer
-- ledger tells the kind: a payment (cash), a write-off, a general-journal
-- offset (a netting or manual settlement, value received but not cash), anything else (a
-- credit note) counts as a credit note. The one place that decides which settlement closes an
-- invoice and whether a write-off is the case's outcome (a write-off that closes the invoice
-- when write-offs to date cover at least var write_off_materiality of it): the event log's
-- closing events (int_events__closure) and the collections marts read it.
{{ config(materialized='table') }}

with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

settlements as (

    select * from {{ ref('stg_d365__custsettlement') }}

),

ledger as (

    select * from {{ ref('stg_d365__custtrans') }}

),

joined as (

    select
        invoices.case_id,
        invoices.company_code,
        invoices.invoice_amount,
        invoices.invoice_amount_accounting,
        invoices.currency,
        settlements.source_record_id as settlement_record_id,
        settlements.recid as settlement_recid,
        settlements.transdate as settlement_date,
        settlements.createddatetime as settled_at,
        settlements.createdby as settled_by,
        settlements.settleamountcur,
        settlements.settleamountmst,
        offsets.transaction_type as offset_transaction_type,
        offsets.source_record_id as offset_record_id,
        offsets.createddatetime as offset_created_at,
        offsets.createdby as offset_created_by
    from invoices
    inner join settlements
        on
            invoices.company_code = settlements.company_code
            and invoices.custtrans_recid = settlements.transrecid
    left join ledger as offsets
        on
            settlements.company_code = offsets.company_code
            and settlements.offsetrecid = offsets.recid

),

running as (

    select
        *,
        sum(settleamountcur) over (
            partition by case_id
            order by settlement_date, settled_at, settlement_recid
            rows between unbounded preceding and current row
        ) as settled_to_date,
        sum(settleamountmst) over (
            partition by case_id
            order by settlement_date, settled_at, settlement_recid
            rows between unbounded preceding and current row
        ) as settled_accounting_to_date,
        sum(case when offset_transaction_type = 'write_off' then settleamountcur else 0 end) over (
            partition by case_id
            order by settlement_date, settled_at, settlement_recid
            rows between unbounded preceding and current row
        ) as written_off_to_date
    from joined

),

final as (

    select
        case_id,
        settlement_record_id,
        company_code,
        settlement_date,
        settled_at,
        settled_by,
        invoice_amount,
        currency,
        offset_record_id,
        offset_created_at,
        offset_created_by,
        settleamountcur as settled_amount,
        case offset_transaction_type
            when 'payment' then 'payment'
            when 'write_off' then 'write-off'
            when 'general_journal' then 'offset'
            else 'credit note'
        end as settlement_kind,
        -- the settlement that closes the invoice takes what is left in accounting currency, so
        -- that a closed invoice leaves nothing open in either currency (exchange rounding)
        case
            when settled_to_date >= invoice_amount and settled_to_date - settleamountcur < invoice_amount
                then invoice_amount_accounting - (settled_accounting_to_date - settleamountmst)
            else settleamountmst
        end as settled_amount_accounting,
        invoice_amount - settled_to_date as balance_after,
        written_off_to_date,
        settled_to_date >= invoice_amount and settled_to_date - settleamountcur < invoice_amount as is_closing,
        -- the case's outcome is a write-off only when a write-off closes the invoice and write-offs
        -- cover a material share of it; every other write-off is a partial write-off
        coalesce(
            offset_transaction_type = 'write_off'
            and settled_to_date >= invoice_amount
            and settled_to_date - settleamountcur < invoice_amount
            and written_off_to_date >= {{ var('write_off_materiality') }} * invoice_amount,
            false
        ) as is_outcome_write_off
    from running

)

select * from final
