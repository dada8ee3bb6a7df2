{#- True when the landing zone has files for the table (checked when the model runs). -#}
{% macro landing_table_exists(system, table, ext) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set result = run_query("select count(*) from glob('" ~ raw_path(system, table, ext) ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}
