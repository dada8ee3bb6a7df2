{#- Company codes are keys everywhere but D365 delivers them in any letter case; a blank
    code is no code (NULL), so the row is quarantined as MISSING_KEY. -#}
{% macro normalise_company(expr) -%}
    nullif(upper(trim({{ expr }})), '')
{%- endmacro %}
