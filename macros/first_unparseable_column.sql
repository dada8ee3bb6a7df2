{#- The name of the first column whose raw value does not convert to its contract type, or
    NULL. columns: a list of [column, logical type] (bigint, integer, decimal, date,
    timestamp). system 'd365' checks typed Parquet values; 'highradius' checks CSV text,
    where an empty field is NULL, a timestamp needs a UTC offset and an integer column takes
    whole numbers only (a text with a fraction is unparseable, not rounded). -#}
{% macro first_unparseable_column(system, columns) -%}
    {%- set types = {
        'bigint': dbt.type_bigint(), 'integer': dbt.type_int(), 'decimal': dbt.type_numeric(),
        'date': 'date', 'timestamp': dbt.type_timestamp()} -%}
    case
    {%- for column, logical in columns %}
        {%- if system == 'highradius' %}
            {%- set raw = "nullif(trim(" ~ column ~ "), '')" %}
            {%- set typed = hr_timestamp_utc(column) if logical == 'timestamp' else safe_cast(raw, types[logical]) %}
        {%- else %}
            {%- set raw = column %}
            {%- set typed = safe_cast(column, types[logical]) %}
        {%- endif %}
        {%- if system == 'highradius' and logical in ('integer', 'bigint') %}
        {#- some engines round a text such as '1.5' cast to an integer: a fraction does not convert #}
        when
            {{ raw }} is not null
            and ({{ typed }} is null or {{ safe_cast(raw, dbt.type_numeric()) }} <> {{ typed }})
            then '{{ column }}'
        {%- else %}
        when {{ raw }} is not null and {{ typed }} is null then '{{ column }}'
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}
