-- grain: one row per company, customer segment, transaction currency and month
-- (company_code, customer_segment, currency, month_start_date); every month from the group's
-- first invoice month to the as-of month, also months without activity
-- Additive month-end figures of the receivables, from which fct_ar_monthly derives its ratios:
-- the month's flows (invoices, settlements, write-offs; the cash among the settlements), the
-- open balances at the snapshot date (month end, or the as-of date in the as-of month) by
-- ageing bucket, and the sales of the 90 days up to the snapshot date. Open balances come from
-- one row per invoice and month it was open at the snapshot date (not one per day).
{{ config(materialized='table') }}

with cases as (

    select * from {{ ref('cases') }}

),

settlements as (

    select * from {{ ref('int_invoice_settlements') }}

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

invoices as (

    select
        case_id,
        company_code,
        currency,
        invoice_date,
        invoice_amount,
        invoice_amount_accounting,
        coalesce(customer_segment, 'unassigned') as customer_segment,
        -- an invoice without a due date is due on its invoice date
        coalesce(due_date, invoice_date) as due_date
    from cases

),

months as (

    select distinct
        calendar.company_code,
        calendar.month_start_date,
        calendar.month_end_date,
        case
            when calendar.month_end_date < as_of.as_of_date then calendar.month_end_date
            else as_of.as_of_date
        end as snapshot_date
    from calendar
    cross join as_of
    where calendar.month_start_date <= as_of.as_of_date

),

closing as (

    select
        case_id,
        min(settlement_date) as closed_date
    from settlements
    where is_closing
    group by case_id

),

partial_settlements as (

    -- settlements that left a balance open (the closing one never counts: an invoice is open
    -- only before it)
    select * from settlements
    where not is_closing

),

open_invoice_months as (

    select
        invoices.case_id,
        invoices.company_code,
        invoices.customer_segment,
        invoices.currency,
        invoices.invoice_amount,
        invoices.invoice_amount_accounting,
        months.month_start_date,
        {{ days_between('invoices.due_date', 'months.snapshot_date') }} as days_past_due
    from invoices
    left join closing
        on invoices.case_id = closing.case_id
    inner join months
        on
            invoices.company_code = months.company_code
            and invoices.invoice_date <= months.snapshot_date
    where closing.closed_date is null or closing.closed_date > months.snapshot_date

),

partially_settled as (

    select
        open_invoice_months.case_id,
        open_invoice_months.month_start_date,
        sum(partial_settlements.settled_amount) as settled_amount,
        sum(partial_settlements.settled_amount_accounting) as settled_amount_accounting
    from open_invoice_months
    inner join months
        on
            open_invoice_months.company_code = months.company_code
            and open_invoice_months.month_start_date = months.month_start_date
    inner join partial_settlements
        on
            open_invoice_months.case_id = partial_settlements.case_id
            and months.snapshot_date >= partial_settlements.settlement_date
    group by open_invoice_months.case_id, open_invoice_months.month_start_date

),

open_balances as (

    select
        open_invoice_months.company_code,
        open_invoice_months.customer_segment,
        open_invoice_months.currency,
        open_invoice_months.month_start_date,
        open_invoice_months.days_past_due,
        open_invoice_months.invoice_amount - coalesce(partially_settled.settled_amount, 0) as open_amount,
        open_invoice_months.invoice_amount_accounting
        - coalesce(partially_settled.settled_amount_accounting, 0) as open_amount_accounting
    from open_invoice_months
    left join partially_settled
        on
            open_invoice_months.case_id = partially_settled.case_id
            and open_invoice_months.month_start_date = partially_settled.month_start_date

),

open_by_month as (

    select
        company_code,
        customer_segment,
        currency,
        month_start_date,
        count(*) as open_invoice_count,
        sum(open_amount) as open_amount,
        sum(open_amount_accounting) as open_amount_accounting,
        sum(case when days_past_due <= 0 then open_amount_accounting else 0 end) as current_amount_accounting,
        sum(case when days_past_due between 1 and 30 then open_amount_accounting else 0 end)
            as past_due_1_30_amount_accounting,
        sum(case when days_past_due between 31 and 60 then open_amount_accounting else 0 end)
            as past_due_31_60_amount_accounting,
        sum(case when days_past_due between 61 and 90 then open_amount_accounting else 0 end)
            as past_due_61_90_amount_accounting,
        sum(case when days_past_due > 90 then open_amount_accounting else 0 end)
            as past_due_over_90_amount_accounting
    from open_balances
    group by company_code, customer_segment, currency, month_start_date

),

daily_sales as (

    select
        invoices.company_code,
        invoices.customer_segment,
        invoices.currency,
        invoices.invoice_date,
        count(*) as invoice_count,
        sum(invoices.invoice_amount) as sales_amount,
        sum(invoices.invoice_amount_accounting) as sales_amount_accounting
    from invoices
    cross join as_of
    where invoices.invoice_date <= as_of.as_of_date
    group by invoices.company_code, invoices.customer_segment, invoices.currency, invoices.invoice_date

),

sales_by_month as (

    select
        daily_sales.company_code,
        daily_sales.customer_segment,
        daily_sales.currency,
        cast({{ dbt.date_trunc('month', 'daily_sales.invoice_date') }} as date) as month_start_date,
        sum(daily_sales.invoice_count) as invoice_count,
        sum(daily_sales.sales_amount) as sales_amount,
        sum(daily_sales.sales_amount_accounting) as sales_amount_accounting
    from daily_sales
    group by
        daily_sales.company_code,
        daily_sales.customer_segment,
        daily_sales.currency,
        cast({{ dbt.date_trunc('month', 'daily_sales.invoice_date') }} as date)

),

settlements_by_month as (

    select
        invoices.company_code,
        invoices.customer_segment,
        invoices.currency,
        cast({{ dbt.date_trunc('month', 'settlements.settlement_date') }} as date) as month_start_date,
        sum(case when settlements.settlement_kind <> 'write-off' then settlements.settled_amount else 0 end)
            as settled_amount,
        sum(case when settlements.settlement_kind <> 'write-off' then settlements.settled_amount_accounting else 0 end)
            as settled_amount_accounting,
        sum(case when settlements.settlement_kind = 'write-off' then settlements.settled_amount else 0 end)
            as written_off_amount,
        sum(case when settlements.settlement_kind = 'write-off' then settlements.settled_amount_accounting else 0 end)
            as written_off_amount_accounting,
        sum(case when settlements.settlement_kind = 'payment' then settlements.settled_amount else 0 end)
            as cash_collected_amount,
        sum(case when settlements.settlement_kind = 'payment' then settlements.settled_amount_accounting else 0 end)
            as cash_collected_amount_accounting
    from settlements
    inner join invoices
        on settlements.case_id = invoices.case_id
    cross join as_of
    where settlements.settlement_date <= as_of.as_of_date
    group by
        invoices.company_code,
        invoices.customer_segment,
        invoices.currency,
        cast({{ dbt.date_trunc('month', 'settlements.settlement_date') }} as date)

),

groups as (

    select
        company_code,
        customer_segment,
        currency,
        cast({{ dbt.date_trunc('month', 'min(invoice_date)') }} as date) as first_month_start_date
    from invoices
    group by company_code, customer_segment, currency

),

spine as (

    select
        groups.company_code,
        groups.customer_segment,
        groups.currency,
        months.month_start_date,
        months.month_end_date,
        months.snapshot_date
    from groups
    inner join months
        on
            groups.company_code = months.company_code
            and groups.first_month_start_date <= months.month_start_date

),

sales_last_90_days as (

    select
        spine.company_code,
        spine.customer_segment,
        spine.currency,
        spine.month_start_date,
        sum(daily_sales.sales_amount_accounting) as sales_last_90_days_accounting
    from spine
    inner join daily_sales
        on
            spine.company_code = daily_sales.company_code
            and spine.customer_segment = daily_sales.customer_segment
            and spine.currency = daily_sales.currency
            and spine.snapshot_date >= daily_sales.invoice_date
            and daily_sales.invoice_date > {{ dbt.dateadd('day', -90, 'spine.snapshot_date') }}
    group by spine.company_code, spine.customer_segment, spine.currency, spine.month_start_date

),

final as (

    select
        spine.company_code,
        spine.customer_segment,
        spine.currency,
        spine.month_start_date,
        spine.month_end_date,
        spine.snapshot_date,
        cast(coalesce(sales_by_month.invoice_count, 0) as {{ dbt.type_int() }}) as invoice_count,
        coalesce(sales_by_month.sales_amount, 0) as sales_amount,
        coalesce(sales_by_month.sales_amount_accounting, 0) as sales_amount_accounting,
        coalesce(settlements_by_month.settled_amount, 0) as settled_amount,
        coalesce(settlements_by_month.settled_amount_accounting, 0) as settled_amount_accounting,
        coalesce(settlements_by_month.written_off_amount, 0) as written_off_amount,
        coalesce(settlements_by_month.written_off_amount_accounting, 0) as written_off_amount_accounting,
        coalesce(settlements_by_month.cash_collected_amount, 0) as cash_collected_amount,
        coalesce(settlements_by_month.cash_collected_amount_accounting, 0) as cash_collected_amount_accounting,
        coalesce(sales_last_90_days.sales_last_90_days_accounting, 0) as sales_last_90_days_accounting,
        cast(coalesce(open_by_month.open_invoice_count, 0) as {{ dbt.type_int() }}) as open_invoice_count,
        coalesce(open_by_month.open_amount, 0) as open_amount,
        coalesce(open_by_month.open_amount_accounting, 0) as open_amount_accounting,
        coalesce(open_by_month.current_amount_accounting, 0) as current_amount_accounting,
        coalesce(open_by_month.past_due_1_30_amount_accounting, 0) as past_due_1_30_amount_accounting,
        coalesce(open_by_month.past_due_31_60_amount_accounting, 0) as past_due_31_60_amount_accounting,
        coalesce(open_by_month.past_due_61_90_amount_accounting, 0) as past_due_61_90_amount_accounting,
        coalesce(open_by_month.past_due_over_90_amount_accounting, 0) as past_due_over_90_amount_accounting
    from spine
    left join sales_by_month
        on
            spine.company_code = sales_by_month.company_code
            and spine.customer_segment = sales_by_month.customer_segment
            and spine.currency = sales_by_month.currency
            and spine.month_start_date = sales_by_month.month_start_date
    left join settlements_by_month
        on
            spine.company_code = settlements_by_month.company_code
            and spine.customer_segment = settlements_by_month.customer_segment
            and spine.currency = settlements_by_month.currency
            and spine.month_start_date = settlements_by_month.month_start_date
    left join sales_last_90_days
        on
            spine.company_code = sales_last_90_days.company_code
            and spine.customer_segment = sales_last_90_days.customer_segment
            and spine.currency = sales_last_90_days.currency
            and spine.month_start_date = sales_last_90_days.month_start_date
    left join open_by_month
        on
            spine.company_code = open_by_month.company_code
            and spine.customer_segment = open_by_month.customer_segment
            and spine.currency = open_by_month.currency
            and spine.month_start_date = open_by_month.month_start_date

)

select * from final
