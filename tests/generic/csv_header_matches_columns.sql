{#- For a source read from landing CSV files by position: fails with one row per
    problem when the columns read differ from the declared columns, or when a file's
    header line is not the declared column names joined by commas (a file with
    columns in another order would otherwise be read into the wrong columns). -#}
{% test csv_header_matches_columns(model) %}
{%- if adapter.type() != 'duckdb' -%}
    {{ exceptions.raise_compiler_error(
        "csv_header_matches_columns reads landing files with DuckDB; adapter "
        ~ adapter.type() ~ " is not supported") }}
{%- endif -%}
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

with landing_files as (
    select file as file_path
    from glob('{{ files_glob | first }}')
),

header_lines as (
    select distinct filename as file_path
    from read_csv(
        '{{ files_glob | first }}',
        columns = {'line': 'varchar'},
        header = false,
        auto_detect = false,
        delim = chr(31),  -- never in the data: each line is read whole
        quote = '',
        escape = '',
        ignore_errors = true,
        filename = true
    )
    where line = '{{ expected_header }}'
),

problems as (
    select
        landing_files.file_path,
        'header is not: {{ expected_header }}' as problem
    from landing_files
    where landing_files.file_path not in (select header_lines.file_path from header_lines)
    {%- for problem in problems %}
    union all
    select
        null as file_path,
        '{{ problem }}' as problem
    {%- endfor %}
)

select * from problems

{% endtest %}
