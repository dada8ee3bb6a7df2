-- grain: one row per case: a customer invoice (case_id)
-- How far each invoice has been settled and how, in one row: the settled amount D365 keeps on
-- the invoice's own ledger row, whether value was received (cash or a general-journal offset),
-- the written-off amount and the ledger date of the settlement that closed it. cases joins this
-- one table instead of aggregating the settlements and reading the ledger itself, which keeps
-- the peak memory of the cases build down on large ledgers.
{{ config(materialized='table') }}

with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

ledger as (

    -- the invoice's own ledger row carries what has been settled against it so far
    select * from {{ ref('stg_d365__custtrans') }}

),

settlements as (

    select * from {{ ref('int_invoice_settlements') }}

),

settlement_facts as (

    select
        case_id,
        max(case when settlement_kind in ('payment', 'offset') then 1 else 0 end) as has_value_received,
        sum(case when settlement_kind = 'write-off' then settled_amount else 0 end) as written_off_amount,
        -- the ledger date of the settlement that closed the invoice
        min(case when is_closing then settlement_date end) as closed_date
    from settlements
    group by case_id

),

final as (

    select
        invoices.case_id,
        cast(coalesce(ledger.settleamountcur, 0) as {{ dbt.type_numeric() }}) as settled_amount,
        coalesce(settlement_facts.has_value_received, 0) = 1 as has_value_received,
        cast(coalesce(settlement_facts.written_off_amount, 0) as {{ dbt.type_numeric() }}) as written_off_amount,
        settlement_facts.closed_date
    from invoices
    left join ledger
        on
            invoices.company_code = ledger.company_code
            and invoices.custtrans_recid = ledger.recid
    left join settlement_facts
        on invoices.case_id = settlement_facts.case_id

)

select * from final
