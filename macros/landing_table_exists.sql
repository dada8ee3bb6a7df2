{#- True when the landing zone has files for the table (checked when the model runs). -#}
{% macro landing_table_exists(system, table, ext) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ system ~ '.' ~ table) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("landing_table_exists: no source " ~ system ~ "." ~ table) }}
    {%- endif -%}
    {{ return(landing_files_exist(node, raw_path(system, table, ext))) }}
{%- endmacro %}

{#- True when the landing zone holds data for a source: its graph node and the glob of its files.
    Dispatched: DuckDB reads the files in place and lists them; the other engines read the
    landing zone through tables registered in their catalog (docs/spark.md), so the table must
    exist there. -#}
{% macro landing_files_exist(source_node, files_glob) -%}
    {{ return(adapter.dispatch('landing_files_exist', 'credit_to_cash')(source_node, files_glob)) }}
{%- endmacro %}

{% macro default__landing_files_exist(source_node, files_glob) -%}
    {%- set relation = adapter.get_relation(
        database=source_node.database, schema=source_node.schema, identifier=source_node.identifier) -%}
    {{ return(relation is not none) }}
{%- endmacro %}

{% macro duckdb__landing_files_exist(source_node, files_glob) -%}
    {%- set result = run_query("select count(*) from glob('" ~ files_glob | replace("'", "''") ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}
