{#- The p-th percentile of an expression over a group, interpolated between the two nearest
    values (as numpy.percentile and pandas' quantile do by default); fraction 0.5 is the median. -#}
{% macro continuous_percentile(expr, fraction) -%}
    {{ return(adapter.dispatch('continuous_percentile', 'credit_to_cash')(expr, fraction)) }}
{%- endmacro %}

{% macro default__continuous_percentile(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__continuous_percentile(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro spark__continuous_percentile(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}
