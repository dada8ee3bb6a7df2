{#- dbt.listagg on Spark keeps its order: dbt-spark's own implementation collects the values in
    no defined order (it warns and drops order_by_clause), and variant strings, evidence id lists
    and level sequences depend on it. Spark 4 has listagg ... within group (order by ...). This
    root-project macro is used instead of the adapter's macro of the same name. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with limit_num is not implemented for Spark in this project") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
