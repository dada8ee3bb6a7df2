{#- The raw side of the raw = staged + quarantined + superseded reconciliation, shared by the
    generic test reconciles_with_raw and the model raw_reconciliation (one definition, so the
    test and the audit pack count the same way). -#}

{#- False when the source is optional (meta.optional) and the landing zone holds no file for it. -#}
{% macro source_has_files(source_name, table_name) -%}
    {%- set has_files = [true] -%}
    {%- if execute -%}
        {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
        {%- if node is none -%}
            {{ exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table_name) }}
        {%- endif -%}
        {%- set optional = (node.meta or {}).get('optional', false) in [true, 'true'] -%}
        {%- set found = modules.re.search("read_(parquet|csv)\\(\\s*'((?:[^']|'')*)'", node.relation_name or '') -%}
        {%- if optional -%}
            {#- the glob of the source's own location (DuckDB), else of the landing zone -#}
            {%- set files_glob = found.group(2) | replace("''", "'") if found
                else raw_path(source_name, node.identifier, 'parquet' if source_name == 'd365' else 'csv') -%}
            {%- if not landing_files_exist(node, files_glob) -%}
                {%- do has_files.clear() -%}
                {%- do log('raw reconciliation: ' ~ source_name ~ '.' ~ table_name
                    ~ ' has no files in the landing zone (optional source); its raw rows count as 0', info=true) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{- return(has_files | length > 0) -}}
{%- endmacro %}

{#- One row: raw_rows and superseded_rows of a raw table. A row is superseded when its key is
    complete and it is not the latest row of its record (ordered by latest_by, highest first; on
    a tie a deletion is latest), or when it is the latest row and a deletion (deleted_when). A
    row with a NULL in any key expression is never superseded. -#}
{% macro raw_reconciliation_counts(raw_relation, key_columns, latest_by, latest_by_type=none,
                                   deleted_when=none, has_files=true) -%}
{%- set order_columns = [latest_by] if latest_by is string else latest_by -%}
    select
        count(*) as raw_rows,
        coalesce(sum(
            case when not has_null_key and (recency > 1 or is_deletion = 1) then 1 else 0 end
        ), 0) as superseded_rows
    from (
        select
            is_deletion,
            (
                {%- for key in key_columns %}
                key_{{ loop.index }} is null{% if not loop.last %} or{% endif %}
                {%- endfor %}
            ) as has_null_key,
            row_number() over (
                partition by {% for key in key_columns %}key_{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
                order by
                    {%- for column in order_columns %}
                    case when latest_by_{{ loop.index }} is null then 1 else 0 end,
                    latest_by_{{ loop.index }} desc,
                    {%- endfor %}
                    is_deletion desc
            ) as recency
        from (
        {%- if has_files %}
            select
                {%- for key in key_columns %}
                {{ key }} as key_{{ loop.index }},
                {%- endfor %}
                {%- for column in order_columns %}
                {%- if latest_by_type %}
                {{ safe_cast("nullif(trim(" ~ column ~ "), '')", latest_by_type) }} as latest_by_{{ loop.index }},
                {%- else %}
                {{ column }} as latest_by_{{ loop.index }},
                {%- endif %}
                {%- endfor %}
                {%- if deleted_when %}
                case when {{ deleted_when }} then 1 else 0 end as is_deletion
                {%- else %}
                0 as is_deletion
                {%- endif %}
            from {{ raw_relation }}
        {%- else %}
            select
                {%- for key in key_columns %}
                cast(null as {{ dbt.type_string() }}) as key_{{ loop.index }},
                {%- endfor %}
                {%- for column in order_columns %}
                cast(null as {{ dbt.type_string() }}) as latest_by_{{ loop.index }},
                {%- endfor %}
                0 as is_deletion
            where 1 = 0
        {%- endif %}
        ) as raw_rows
    ) as ranked
{%- endmacro %}
