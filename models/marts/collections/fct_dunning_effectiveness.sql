-- grain: one row per company, customer segment, dunning level and month the letters were sent
-- (company_code, customer_segment, dunning_level, letter_month_start_date)
-- How often an invoice is paid within 7, 14 and 30 days after a dunning letter, and how often
-- a letter is followed by a letter of a higher level. A share over N days counts only letters
-- sent at least N days before the as-of date, whose N-day window is complete. Paid = the case
-- closed as settled (cases.status) with cash received against it: an invoice closed by credit
-- notes (credited), by a material write-off (written off) or by general-journal offsets alone
-- is not paid; a settled invoice whose small remainder was written off is paid when it closed.
with events as (

    select * from {{ ref('event_log') }}

),

cases as (

    select * from {{ ref('cases') }}

),

cash_receipts as (

    -- cases with at least one cash settlement (a payment offset in the customer ledger)
    select
        case_id,
        1 as has_cash
    from {{ ref('int_invoice_settlements') }}
    where settlement_kind = 'payment'
    group by case_id

),

letters as (

    select
        event_id,
        case_id,
        company_code,
        dunning_level,
        event_timestamp as sent_at
    from events
    where dunning_level is not null

),

escalations as (

    -- a later letter of a higher level in the same case
    select
        letters.event_id,
        min(later.sent_at) as escalated_at
    from letters
    inner join letters as later
        on
            letters.case_id = later.case_id
            and letters.dunning_level < later.dunning_level
            and letters.sent_at <= later.sent_at
    group by letters.event_id

),

letter_outcomes as (

    select
        letters.company_code,
        coalesce(cases.customer_segment, 'unassigned') as customer_segment,
        letters.dunning_level,
        cast({{ dbt.date_trunc('month', 'letters.sent_at') }} as date) as letter_month_start_date,
        letters.case_id,
        {{ days_between('letters.sent_at', 'cases.as_of_date') }} as days_observed,
        case
            when cases.settled_at >= letters.sent_at and cases.status = 'settled' and cash_receipts.has_cash = 1
                then {{ seconds_between('letters.sent_at', 'cases.settled_at') }} / 86400.0
        end as days_to_settlement,
        escalations.escalated_at is not null as is_escalated,
        cases.written_off_at >= letters.sent_at as is_written_off_after
    from letters
    inner join cases
        on letters.case_id = cases.case_id
    left join escalations
        on letters.event_id = escalations.event_id
    left join cash_receipts
        on letters.case_id = cash_receipts.case_id

),

aggregated as (

    select
        company_code,
        customer_segment,
        dunning_level,
        letter_month_start_date,
        count(*) as letters_sent,
        count(distinct case_id) as invoices_dunned,
        {%- for n in [7, 14, 30] %}
        sum(case when days_observed >= {{ n }} then 1 else 0 end) as letters_observed_{{ n }}_days,
        sum(case when days_observed >= {{ n }} and days_to_settlement <= {{ n }} then 1 else 0 end)
            as letters_paid_within_{{ n }}_days,
        {%- endfor %}
        sum(case when is_escalated then 1 else 0 end) as letters_escalated,
        sum(case when is_written_off_after then 1 else 0 end) as letters_followed_by_write_off,
        avg(days_to_settlement) as average_days_to_settlement
    from letter_outcomes
    group by company_code, customer_segment, dunning_level, letter_month_start_date

),

final as (

    select
        company_code,
        customer_segment,
        cast(dunning_level as {{ dbt.type_int() }}) as dunning_level,
        letter_month_start_date,
        cast(letters_sent as {{ dbt.type_int() }}) as letters_sent,
        cast(invoices_dunned as {{ dbt.type_int() }}) as invoices_dunned,
        {%- for n in [7, 14, 30] %}
        cast(letters_observed_{{ n }}_days as {{ dbt.type_int() }}) as letters_observed_{{ n }}_days,
        cast(letters_paid_within_{{ n }}_days as {{ dbt.type_int() }}) as letters_paid_within_{{ n }}_days,
        cast(
            case
                when letters_observed_{{ n }}_days > 0
                    then 1.0 * letters_paid_within_{{ n }}_days / letters_observed_{{ n }}_days
            end as {{ dbt.type_numeric() }}
        ) as paid_within_{{ n }}_days_share,
        {%- endfor %}
        cast(letters_escalated as {{ dbt.type_int() }}) as letters_escalated,
        cast(1.0 * letters_escalated / letters_sent as {{ dbt.type_numeric() }}) as escalated_share,
        cast(letters_followed_by_write_off as {{ dbt.type_int() }}) as letters_followed_by_write_off,
        cast(average_days_to_settlement as {{ dbt.type_numeric() }}) as average_days_to_settlement
    from aggregated

)

select * from final
