{#- "Today" for statuses and days past due, as an aggregate over timestamp_column (so a CTE
    selecting it has exactly one row): the var as_of_date when it is set, else the date of the
    latest event, so that builds are reproducible. -#}
{% macro as_of_date(timestamp_column) -%}
    {%- if var('as_of_date') -%}
        max(cast('{{ var("as_of_date") }}' as date))
    {%- else -%}
        cast(max({{ timestamp_column }}) as date)
    {%- endif -%}
{%- endmacro %}
