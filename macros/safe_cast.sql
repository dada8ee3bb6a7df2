{#- Cast that yields NULL instead of failing when a value does not convert.
    Engines with try_cast use it; the default is a plain cast (such an engine
    fails on a bad value rather than hiding it). -#}
{% macro safe_cast(expr, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'credit_to_cash')(expr, type)) }}
{%- endmacro %}

{% macro default__safe_cast(expr, type) -%}
    cast({{ expr }} as {{ type }})
{%- endmacro %}

{% macro duckdb__safe_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}

{#- Spark's timestamp is an instant (its text may carry an offset); it has no
    `timestamp with time zone`. -#}
{% macro spark__safe_cast(expr, type) -%}
    {%- set type = 'timestamp' if type | lower == 'timestamp with time zone' else type -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}
