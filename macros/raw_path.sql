{#- Glob of the landing files of one raw table: <raw_root>/<system>/<table>/*.<ext> -#}
{% macro raw_path(system, table, ext) -%}
    {%- set root = var('raw_root') | string -%}
    {{ return(root.rstrip('/') ~ '/' ~ system ~ '/' ~ table ~ '/*.' ~ ext) }}
{%- endmacro %}
