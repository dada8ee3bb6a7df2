{#- ref() without the database part: the compiled SQL names a model `schema.table`, resolved in
    the database dbt is connected to, so that it does not depend on the name of the DuckDB file
    (dbt-duckdb names the database after the file). Otherwise dbt's own ref. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is not none and relation.include is defined -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
