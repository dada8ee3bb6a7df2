{#- A stable pseudonym for a person's name or id when the var `pseudonymise` is true
    (the same input always gives the same pseudonym); the value itself otherwise. -#}
{% macro pseudonymise(expr, prefix) -%}
    {%- if var('pseudonymise', false) -%}
        case when {{ expr }} is null then null
            else '{{ prefix }}-' || substr({{ dbt.hash(expr) }}, 1, 10) end
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}
