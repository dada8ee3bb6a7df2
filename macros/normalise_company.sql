{#- Company codes are keys everywhere but D365 delivers them in any letter case. -#}
{% macro normalise_company(expr) -%}
    upper(trim({{ expr }}))
{%- endmacro %}
