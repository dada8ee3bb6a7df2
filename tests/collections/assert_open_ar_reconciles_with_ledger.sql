{{ config(group='process_mining') }}  {#- reads private staging models of process_mining; fct_ar_monthly is public -#}
-- Open AR of fct_ar_monthly = invoices - settlements - write-offs, to the cent, per company,
-- transaction currency and month, recomputed here from the ledger without the marts' logic:
-- cumulative sums of the posted invoices (cases) and of the settlement records of the
-- customer ledger (stg_d365__custsettlement on the invoice's ledger row; write-offs are those
-- whose offset is a write-off row, transtype 35), dated up to the snapshot date. Fails with
-- one row per company, currency and month that differs.
with ar as (

    select * from {{ ref('fct_ar_monthly') }}
    where customer_segment = '*' and currency <> '*'

),

cases as (

    select * from {{ ref('cases') }}

),

invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

settlements as (

    select * from {{ ref('stg_d365__custsettlement') }}

),

ledger as (

    select * from {{ ref('stg_d365__custtrans') }}

),

invoice_flows as (

    select
        ar.company_code,
        ar.currency,
        ar.month_start_date,
        sum(cases.invoice_amount) as invoiced
    from ar
    inner join cases
        on
            ar.company_code = cases.company_code
            and ar.currency = cases.currency
            and ar.snapshot_date >= cases.invoice_date
    group by ar.company_code, ar.currency, ar.month_start_date

),

settlement_flows as (

    select
        ar.company_code,
        ar.currency,
        ar.month_start_date,
        sum(case when coalesce(offsets.transtype, -1) <> 35 then settlements.settleamountcur else 0 end) as settled,
        sum(case when offsets.transtype = 35 then settlements.settleamountcur else 0 end) as written_off
    from ar
    inner join invoices
        on
            ar.company_code = invoices.company_code
            and ar.currency = invoices.currency
    inner join settlements
        on
            invoices.company_code = settlements.company_code
            and invoices.custtrans_recid = settlements.transrecid
            and ar.snapshot_date >= settlements.transdate
    left join ledger as offsets
        on
            settlements.company_code = offsets.company_code
            and settlements.offsetrecid = offsets.recid
    group by ar.company_code, ar.currency, ar.month_start_date

),

compared as (

    select
        ar.company_code,
        ar.currency,
        ar.month_start_date,
        ar.open_ar_amount,
        coalesce(invoice_flows.invoiced, 0) as invoiced,
        coalesce(settlement_flows.settled, 0) as settled,
        coalesce(settlement_flows.written_off, 0) as written_off
    from ar
    left join invoice_flows
        on
            ar.company_code = invoice_flows.company_code
            and ar.currency = invoice_flows.currency
            and ar.month_start_date = invoice_flows.month_start_date
    left join settlement_flows
        on
            ar.company_code = settlement_flows.company_code
            and ar.currency = settlement_flows.currency
            and ar.month_start_date = settlement_flows.month_start_date

)

select *
from compared
where abs(open_ar_amount - (invoiced - settled - written_off)) >= 0.005
