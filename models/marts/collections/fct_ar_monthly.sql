-- grain: one row per company, customer segment, transaction currency and month
-- (company_code, customer_segment, currency, month_start_date); customer_segment '*' and
-- currency '*' are the totals over all segments / currencies, so the company-level DSO is the
-- row with both '*'
-- Receivables at month end: open AR, sales, settlements, write-offs, ageing buckets, DSO
-- (standard and countback), best possible DSO, average days delinquent and the collection
-- effectiveness index (standard: every reduction of AR counts as collected; cash CEI: only
-- cash receipts). Ratios are computed on accounting-currency amounts of the row's own
-- totals, never averaged across rows.
{%- set measures = ['invoice_count', 'sales_amount', 'sales_amount_accounting', 'settled_amount',
    'settled_amount_accounting', 'written_off_amount', 'written_off_amount_accounting', 'cash_collected_amount',
    'cash_collected_amount_accounting',
    'sales_last_90_days_accounting', 'open_invoice_count', 'open_amount', 'open_amount_accounting',
    'current_amount_accounting', 'past_due_1_30_amount_accounting', 'past_due_31_60_amount_accounting',
    'past_due_61_90_amount_accounting', 'past_due_over_90_amount_accounting'] %}
{%- set money = 'decimal(28, 6)' %}
{%- set measure_sums = [] %}
{%- for measure in measures %}{% do measure_sums.append('sum(' ~ measure ~ ') as ' ~ measure) %}{% endfor %}

with balances as (

    select * from {{ ref('int_ar_balances_monthly') }}

),

companies as (

    select * from {{ ref('company_settings') }}

),

fx as (

    select * from {{ ref('fx_rates') }}
    where reporting_currency = '{{ var("reporting_currency") }}'

),

rolled_up as (

    -- the groups, and their totals over segments, currencies and both ('*')
    {%- for segment, currency in [('customer_segment', 'currency'), ('customer_segment', none),
        (none, 'currency'), (none, none)] %}
    {%- set group_columns = ['company_code'] + ([segment] if segment else []) + ([currency] if currency else [])
        + ['month_start_date', 'month_end_date', 'snapshot_date'] %}
    select
        company_code,
        {{ segment or "'*'" }} as customer_segment,
        {{ currency or "'*'" }} as currency,
        month_start_date,
        month_end_date,
        snapshot_date,
        {{ measure_sums | join(',\n        ') }}
    from balances
    group by {{ group_columns | join(', ') }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

with_history as (

    select
        *,
        -- the group's series is dense (every month from its first invoice), so the previous row
        -- is the previous month; before the first month nothing was open
        coalesce(lag(open_amount_accounting) over (
            partition by company_code, customer_segment, currency
            order by month_start_date
        ), 0) as prior_open_amount_accounting,
        {{ days_between('month_start_date', 'snapshot_date') }} + 1 as elapsed_days,
        sum(sales_amount_accounting) over (
            partition by company_code, customer_segment, currency
            order by month_start_date
            rows between unbounded preceding and current row
        ) as cumulative_sales_accounting,
        sum({{ days_between('month_start_date', 'snapshot_date') }} + 1) over (
            partition by company_code, customer_segment, currency
            order by month_start_date
            rows between unbounded preceding and current row
        ) as cumulative_days
    from rolled_up

),

countback as (

    -- walk back from month M: the months after month k are consumed whole; month k is the one
    -- where the open AR of M runs out, consumed in proportion
    select
        target.company_code,
        target.customer_segment,
        target.currency,
        target.month_start_date,
        max(
            (target.cumulative_days - history.cumulative_days)
            + (
                target.open_amount_accounting
                - (target.cumulative_sales_accounting - history.cumulative_sales_accounting)
            )
            / history.sales_amount_accounting * history.elapsed_days
        ) as countback_dso_days
    from with_history as target
    inner join with_history as history
        on
            target.company_code = history.company_code
            and target.customer_segment = history.customer_segment
            and target.currency = history.currency
            and target.month_start_date >= history.month_start_date
    where
        target.open_amount_accounting > 0
        and target.cumulative_sales_accounting - history.cumulative_sales_accounting < target.open_amount_accounting
        and target.cumulative_sales_accounting - history.cumulative_sales_accounting
        + history.sales_amount_accounting >= target.open_amount_accounting
    group by target.company_code, target.customer_segment, target.currency, target.month_start_date

),

final as (

    select
        with_history.company_code,
        with_history.customer_segment,
        with_history.currency,
        with_history.month_start_date,
        with_history.month_end_date,
        with_history.snapshot_date,
        companies.accounting_currency,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(fx.rate as decimal(18, 6)) as fx_rate_to_reporting,
        cast(with_history.invoice_count as {{ dbt.type_int() }}) as invoice_count,
        cast(with_history.open_invoice_count as {{ dbt.type_int() }}) as open_invoice_count,
        {%- for prefix, source in [('sales', 'sales_amount'), ('settled', 'settled_amount'),
            ('written_off', 'written_off_amount'), ('cash_collected', 'cash_collected_amount'),
            ('open_ar', 'open_amount')] %}
        cast(case when with_history.currency <> '*' then with_history.{{ source }} end as {{ money }})
            as {{ prefix }}_amount,
        cast(with_history.{{ source }}_accounting as {{ money }}) as {{ prefix }}_amount_accounting,
        cast(with_history.{{ source }}_accounting * fx.rate as {{ money }}) as {{ prefix }}_amount_reporting,
        {%- endfor %}
        {%- for bucket in ['current', 'past_due_1_30', 'past_due_31_60', 'past_due_61_90', 'past_due_over_90'] %}
        cast(with_history.{{ bucket }}_amount_accounting as {{ money }}) as {{ bucket }}_amount_accounting,
        cast(with_history.{{ bucket }}_amount_accounting * fx.rate as {{ money }}) as {{ bucket }}_amount_reporting,
        {%- endfor %}
        cast(with_history.prior_open_amount_accounting as {{ money }}) as prior_open_ar_amount_accounting,
        cast(with_history.sales_last_90_days_accounting as {{ money }}) as sales_last_90_days_accounting,
        cast(
            case
                when with_history.sales_last_90_days_accounting > 0
                    then with_history.open_amount_accounting / with_history.sales_last_90_days_accounting * 90
            end as {{ money }}
        ) as dso_days,
        cast(
            case
                when with_history.open_amount_accounting <= 0 then 0
                else countback.countback_dso_days
            end as {{ money }}
        ) as countback_dso_days,
        cast(
            case
                when with_history.sales_last_90_days_accounting > 0
                    then with_history.current_amount_accounting / with_history.sales_last_90_days_accounting * 90
            end as {{ money }}
        ) as best_possible_dso_days,
        cast(
            case
                when with_history.sales_last_90_days_accounting > 0
                    then
                        (with_history.open_amount_accounting - with_history.current_amount_accounting)
                        / with_history.sales_last_90_days_accounting * 90
            end as {{ money }}
        ) as average_days_delinquent,
        cast(
            case
                when
                    with_history.prior_open_amount_accounting + with_history.sales_amount_accounting
                    - with_history.current_amount_accounting <> 0
                    then (
                        with_history.prior_open_amount_accounting + with_history.sales_amount_accounting
                        - with_history.open_amount_accounting
                    ) / (
                        with_history.prior_open_amount_accounting + with_history.sales_amount_accounting
                        - with_history.current_amount_accounting
                    ) * 100
            end as {{ money }}
        ) as collection_effectiveness_index,
        cast(
            case
                when
                    with_history.prior_open_amount_accounting + with_history.sales_amount_accounting
                    - with_history.current_amount_accounting <> 0
                    then with_history.cash_collected_amount_accounting / (
                        with_history.prior_open_amount_accounting + with_history.sales_amount_accounting
                        - with_history.current_amount_accounting
                    ) * 100
            end as {{ money }}
        ) as cash_collection_effectiveness_index
    from with_history
    left join countback
        on
            with_history.company_code = countback.company_code
            and with_history.customer_segment = countback.customer_segment
            and with_history.currency = countback.currency
            and with_history.month_start_date = countback.month_start_date
    left join companies
        on with_history.company_code = companies.company_code
    left join fx
        on
            companies.accounting_currency = fx.currency_code
            and with_history.snapshot_date between fx.valid_from and fx.valid_to

)

select * from final
