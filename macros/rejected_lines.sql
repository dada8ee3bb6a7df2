{#- The malformed lines of the HighRadius extract files (model base_highradius__rejected_lines),
    per engine. objects: the HighRadius objects (source tables). -#}

{#- The model's pre-hooks: DuckDB's CSV reader records the lines it leaves out in the
    connection's temporary tables reject_errors / reject_scans; reading every object once in the
    model's connection fills them. Other engines need none. -#}
{% macro rejected_lines_pre_hooks(objects) -%}
    {{- return(adapter.dispatch('rejected_lines_pre_hooks', 'credit_to_cash')(objects)) -}}
{%- endmacro %}

{% macro default__rejected_lines_pre_hooks(objects) -%}
    {{- return([]) -}}
{%- endmacro %}

{% macro duckdb__rejected_lines_pre_hooks(objects) -%}
    {%- set hooks = [] -%}
    {%- for obj in objects -%}
        {%- do hooks.append("create or replace temp table c2c_read_" ~ obj ~ " as select count(*) as row_count from "
                            ~ "{{ source('highradius', '" ~ obj ~ "') }}") -%}
    {%- endfor -%}
    {{- return(hooks) -}}
{%- endmacro %}

{#- The rows: source_record_id, source_table, file_path (relative to the landing zone root),
    line_number, error_type, error_message, csv_line. -#}
{% macro rejected_lines_select(objects) -%}
    {{- return(adapter.dispatch('rejected_lines_select', 'credit_to_cash')(objects)) -}}
{%- endmacro %}

{% macro duckdb__rejected_lines_select(objects) -%}
    {%- set root = var('raw_root') | string %}
with errors as (

    select * from reject_errors

),

scans as (

    select * from reject_scans

),

lines as (

    select
        scans.file_path,
        errors.line as line_number,
        min(cast(errors.error_type as {{ dbt.type_string() }})) as error_type,
        min(errors.error_message) as error_message,
        min(errors.csv_line) as csv_line
    from errors
    inner join scans
        on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
    group by scans.file_path, errors.line

),

final as (

    select
        replace(file_path, '{{ root.rstrip("/") }}/', '') || ':' || cast(line_number as {{ dbt.type_string() }})
            as source_record_id,
        regexp_extract(file_path, 'highradius/([^/]+)/[^/]+$', 1) as source_table,
        replace(file_path, '{{ root.rstrip("/") }}/', '') as file_path,
        cast(line_number as {{ dbt.type_bigint() }}) as line_number,
        error_type,
        error_message,
        csv_line
    from lines

)

select * from final
{%- endmacro %}

{#- Spark: each HighRadius source table reads its files with mode DROPMALFORMED (a malformed
    line is not a row, as on DuckDB); spark__check_landing_zone registers beside it
    <table>__with_malformed over the same files in mode PERMISSIVE, whose _corrupt_record column
    holds the raw text of each malformed line. Spark gives no line numbers: line_number is
    NULL and a line is numbered among the malformed lines of its file, in text order. A query
    may not read _corrupt_record alone (Spark refuses it): the first column is read with it. -#}
{% macro spark__rejected_lines_select(objects) -%}
with read_lines as (

    {%- for obj in objects %}
    {%- set relation = source('highradius', obj) %}
    {%- set first_column = (graph.sources['source.' ~ project_name ~ '.highradius.' ~ obj].columns.keys() | list)[0]
        if execute else 'extracted_at' %}
    select
        '{{ obj }}' as source_table,
        _metadata.file_path as file_uri,
        `{{ first_column }}` as first_field,
        _corrupt_record as csv_line
    from {{ relation.schema }}.{{ relation.identifier }}__with_malformed
    where _corrupt_record is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

numbered as (

    select
        source_table,
        regexp_extract(file_uri, '(highradius/[^/]+/[^/]+)$', 1) as file_path,
        csv_line,
        row_number() over (
            partition by file_uri order by csv_line, first_field
        ) as malformed_number
    from read_lines

),

final as (

    select
        file_path || ':malformed-' || cast(malformed_number as {{ dbt.type_string() }}) as source_record_id,
        source_table,
        file_path,
        cast(null as {{ dbt.type_bigint() }}) as line_number,
        'MALFORMED LINE' as error_type,
        'the line does not parse into the header''s fields (Spark CSV reader, mode PERMISSIVE)'
            as error_message,
        csv_line
    from numbered

)

select * from final
{%- endmacro %}
