{#- The CTE `problems` (file_path, problem) of the test csv_header_matches_columns: one row per
    landing file (files_glob) without a line equal to expected_header, and one per problem
    already found (extra_problems, texts). Dispatched: the engine reads the files line by line. -#}
{% macro csv_header_problems(files_glob, expected_header, extra_problems) -%}
    {{ return(adapter.dispatch('csv_header_problems', 'credit_to_cash')(files_glob, expected_header, extra_problems)) }}
{%- endmacro %}

{% macro default__csv_header_problems(files_glob, expected_header, extra_problems) -%}
    {{ exceptions.raise_compiler_error(
        "csv_header_matches_columns reads the landing CSV files line by line, which is implemented for "
        ~ "duckdb and spark, not for the adapter '" ~ adapter.type() ~ "': add a macro "
        ~ adapter.type() ~ "__csv_header_problems (macros/csv_header_problems.sql)") }}
{%- endmacro %}

{% macro duckdb__csv_header_problems(files_glob, expected_header, extra_problems) -%}
with landing_files as (
    select file as file_path
    from glob('{{ files_glob }}')
),

header_lines as (
    select distinct filename as file_path
    from read_csv(
        '{{ files_glob }}',
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

{{ csv_header_problems_union(expected_header, extra_problems) }}
{%- endmacro %}

{#- Spark reads each file as lines of text (the text data source, path-based). -#}
{% macro spark__csv_header_problems(files_glob, expected_header, extra_problems) -%}
with landing_lines as (
    select
        input_file_name() as file_path,
        value as line
    from text.`{{ files_glob }}`
),

landing_files as (
    select distinct file_path
    from landing_lines
),

header_lines as (
    select distinct file_path
    from landing_lines
    where line = '{{ expected_header }}'
),

{{ csv_header_problems_union(expected_header, extra_problems) }}
{%- endmacro %}

{#- The last CTE, common to every engine: the files without the header, and the other problems. -#}
{% macro csv_header_problems_union(expected_header, extra_problems) -%}
problems as (
    select
        landing_files.file_path,
        'header is not: {{ expected_header }}' as problem
    from landing_files
    where landing_files.file_path not in (select header_lines.file_path from header_lines)
    {%- for problem in extra_problems %}
    union all
    select
        null as file_path,
        '{{ problem }}' as problem
    {%- endfor %}
)
{%- endmacro %}
