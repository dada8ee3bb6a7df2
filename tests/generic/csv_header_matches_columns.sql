{#- For a source read from landing CSV files by position: fails with one row per
    problem when the columns read differ from the declared columns, or when a file's
    header line is not the declared column names joined by commas (a file with
    columns in another order would otherwise be read into the wrong columns). -#}
{% test csv_header_matches_columns(model) %}
{%- set declared = [] -%}
{%- set problems = [] -%}
{%- set files_glob = [] -%}
{%- if execute -%}
    {%- set nodes = graph.sources.values()
        | selectattr('schema', 'equalto', model.schema)
        | selectattr('identifier', 'equalto', model.identifier)
        | list -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "csv_header_matches_columns: no single source found for " ~ model.schema ~ "." ~ model.identifier) }}
    {%- endif -%}
    {%- do declared.extend(nodes[0].columns.keys()) -%}
    {%- do files_glob.append(raw_path(nodes[0].source_name, nodes[0].identifier, 'csv')) -%}
    {%- set read = run_query('select * from ' ~ model ~ ' limit 0').column_names | list -%}
    {%- if read != declared -%}
        {%- do problems.append('columns read (' ~ read | join(',') ~ ') differ from the declared columns') -%}
    {%- endif -%}
{%- endif -%}
{%- set expected_header = declared | join(',') %}
{{ csv_header_problems(files_glob | first, expected_header, problems) }}

select * from problems

{% endtest %}
