-- grain: one row per company and calendar day (company_code, calendar_date)
-- The business calendar of each company over the whole span of its data: weekends and the
-- public holidays of the holiday_calendar seed are not business days. business_day_number
-- counts business days cumulatively, so the business days between two dates are the
-- difference of two lookups.
{{ config(materialized='table') }}

with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

events as (

    select * from {{ ref('event_log') }}

),

companies as (

    select * from {{ ref('company_settings') }}

),

holidays as (

    select * from {{ ref('holiday_calendar') }}

),

event_span as (

    select
        min(cast(event_timestamp as date)) as first_date,
        max(cast(event_timestamp as date)) as last_date,
        {{ as_of_date('event_timestamp') }} as as_of_date
    from events

),

invoice_span as (

    select
        min(invoice_date) as first_date,
        max(due_date) as last_date
    from invoices

),

company_list as (

    select company_code from companies
    union
    select company_code from invoices

),

bounds as (

    -- from the first event or invoice to the last event, due date or as-of date, each company
    -- from the first day of that month to the last day of the last month
    select
        company_list.company_code,
        cast({{ dbt.date_trunc('month', 'least(event_span.first_date, invoice_span.first_date)') }} as date)
            as start_date,
        {{ dbt.last_day('greatest(event_span.last_date, invoice_span.last_date, event_span.as_of_date)', 'month') }}
            as end_date
    from company_list
    cross join event_span
    cross join invoice_span
    where event_span.first_date is not null

),

days as (

    {{ day_series('bounds', 'start_date', 'end_date') }}

),

classified as (

    select
        days.company_code,
        days.calendar_date,
        -- 1900-01-01 was a Monday: 1 = Monday ... 7 = Sunday, on any engine
        1 + mod({{ days_between("cast('1900-01-01' as date)", 'days.calendar_date') }}, 7) as day_of_week,
        holidays.holiday_name
    from days
    left join holidays
        on
            days.company_code = holidays.company_code
            and days.calendar_date = holidays.holiday_date

),

final as (

    select
        company_code,
        calendar_date,
        cast({{ dbt.date_trunc('month', 'calendar_date') }} as date) as month_start_date,
        {{ dbt.last_day('calendar_date', 'month') }} as month_end_date,
        cast(day_of_week as {{ dbt.type_int() }}) as day_of_week,
        day_of_week >= 6 as is_weekend,
        holiday_name is not null as is_holiday,
        holiday_name,
        day_of_week <= 5 and holiday_name is null as is_business_day,
        cast(sum(case when day_of_week <= 5 and holiday_name is null then 1 else 0 end) over (
            partition by company_code
            order by calendar_date
            rows between unbounded preceding and current row
        ) as {{ dbt.type_int() }}) as business_day_number
    from classified

)

select * from final
