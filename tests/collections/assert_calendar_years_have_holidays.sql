{{ config(severity='warn') }}
-- Business days count public holidays only for the years the holiday_calendar seed covers for
-- a company. Warns with one row per company and calendar year of the data without any holiday
-- in the seed (business days there count weekends only): add that year's holidays.
with calendar as (

    select * from {{ ref('int_calendar_days') }}

),

years as (

    select
        company_code,
        cast({{ dbt.date_trunc('year', 'calendar_date') }} as date) as year_start_date,
        sum(case when is_holiday then 1 else 0 end) as holidays
    from calendar
    group by company_code, cast({{ dbt.date_trunc('year', 'calendar_date') }} as date)

)

select * from years
where holidays = 0
