{#- The first 15 hexadecimal digits (60 bits) of md5(expr) as a bigint: the same number on every
    engine, and small enough that sums of many of them fit a decimal(38, 0). -#}
{% macro md5_prefix_number(expr) -%}
    {{ return(adapter.dispatch('md5_prefix_number', 'credit_to_cash')(expr)) }}
{%- endmacro %}

{% macro default__md5_prefix_number(expr) -%}
    {{ exceptions.raise_compiler_error(
        "md5_prefix_number has no implementation for the adapter '" ~ adapter.type() ~ "': add a macro "
        ~ adapter.type() ~ "__md5_prefix_number(expr) that turns the first 15 hexadecimal digits of "
        ~ "md5(expr) into a bigint (see macros/md5_prefix_number.sql)"
    ) }}
{%- endmacro %}

{% macro postgres__md5_prefix_number(expr) -%}
    cast(cast('x' || substr(md5(cast({{ expr }} as {{ dbt.type_string() }})), 1, 15) as bit(60)) as bigint)
{%- endmacro %}

{% macro duckdb__md5_prefix_number(expr) -%}
    cast('0x' || substr(md5(cast({{ expr }} as varchar)), 1, 15) as bigint)
{%- endmacro %}

{% macro spark__md5_prefix_number(expr) -%}
    cast(conv(substr(md5(cast({{ expr }} as string)), 1, 15), 16, 10) as bigint)
{%- endmacro %}
