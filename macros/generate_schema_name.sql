{#-
    Each layer builds into a schema of its own, named after it (dbt_project.yml sets +schema per
    layer folder: staging, intermediate, core, marts; seeds in seeds): `core.event_log`,
    `marts.fct_ar_monthly`. A node without a custom schema goes to the target's schema. dbt's
    default would prefix the target schema (`main_core`); the plain names read better in one
    DuckDB file per project. On a shared warehouse, set the var layer_schema_prefix (e.g.
    `c2c_`) to keep the project's schemas apart from others.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ var('layer_schema_prefix', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
