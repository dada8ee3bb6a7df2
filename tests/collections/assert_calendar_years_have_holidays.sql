{{ config(group='collections') }}
-- Business days are counted with the public holidays of the holiday_calendar seed, so the seed
-- must cover every year of the data: int_calendar_days spans, for each company, the first event
-- or invoice to the latest event, due date or as-of date. Fails with one row per company that
-- has invoices and calendar year of that span without any holiday in the seed: add that year's
-- holidays to seeds/holiday_calendar.csv (business days there would count weekends only).
with calendar as (

    select * from {{ ref('int_calendar_days') }}

),

invoiced_companies as (

    select distinct company_code
    from {{ ref('int_invoices_identified') }}

),

years as (

    select
        calendar.company_code,
        cast({{ dbt.date_trunc('year', 'calendar.calendar_date') }} as date) as year_start_date,
        min(calendar.calendar_date) as first_date_in_data,
        max(calendar.calendar_date) as last_date_in_data,
        sum(case when calendar.is_holiday then 1 else 0 end) as holidays
    from calendar
    inner join invoiced_companies
        on calendar.company_code = invoiced_companies.company_code
    group by calendar.company_code, cast({{ dbt.date_trunc('year', 'calendar.calendar_date') }} as date)

)

select * from years
where holidays = 0
