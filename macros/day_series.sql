{#- A select statement with one row per day (column calendar_date, a date) for every row of
    `bounds` (a relation or CTE name), from its start_column to its end_column inclusive; the
    other columns of `bounds` are carried along. No loops: a set-based series. -#}
{% macro day_series(bounds, start_column, end_column) -%}
    {{ return(adapter.dispatch('day_series', 'credit_to_cash')(bounds, start_column, end_column)) }}
{%- endmacro %}

{% macro default__day_series(bounds, start_column, end_column) -%}
    {#- 10^5 day offsets (about 270 years) from five cross-joined digit lists -#}
    {%- set digit_rows = [] -%}
    {%- for d in range(10) -%}{%- do digit_rows.append('select ' ~ d ~ ' as d') -%}{%- endfor -%}
    select
        {{ bounds }}.*,
        cast({{ dbt.dateadd('day', 'offsets.day_offset', bounds ~ '.' ~ start_column) }} as date) as calendar_date
    from {{ bounds }}
    inner join (
        select d0.d + 10 * d1.d + 100 * d2.d + 1000 * d3.d + 10000 * d4.d as day_offset
        from ({{ digit_rows | join(' union all ') }}) as d0
        cross join ({{ digit_rows | join(' union all ') }}) as d1
        cross join ({{ digit_rows | join(' union all ') }}) as d2
        cross join ({{ digit_rows | join(' union all ') }}) as d3
        cross join ({{ digit_rows | join(' union all ') }}) as d4
    ) as offsets
        on offsets.day_offset <= {{ days_between(bounds ~ '.' ~ start_column, bounds ~ '.' ~ end_column) }}
{%- endmacro %}

{% macro duckdb__day_series(bounds, start_column, end_column) -%}
    select
        {{ bounds }}.*,
        cast(days.generate_series as date) as calendar_date
    from {{ bounds }}
    cross join generate_series(
        cast({{ bounds }}.{{ start_column }} as timestamp),
        cast({{ bounds }}.{{ end_column }} as timestamp),
        interval 1 day
    ) as days
{%- endmacro %}
