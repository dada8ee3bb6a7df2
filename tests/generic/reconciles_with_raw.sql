{#- Declared on a base model: every raw row of its source is accounted for,
        raw rows = staged rows + quarantined rows + superseded change versions.
    Counted from the raw rows, not with the model's logic: a row is superseded when its key
    is complete and it is not the latest row of its record (ordered by latest_by, highest
    first; on a tie a deletion is latest), or when it is the latest row and a deletion
    (deleted_when). A row with a NULL in any key expression is never superseded: staging
    must quarantine it. Staged rows are the rows of stg_model (or, without one, the base
    rows without a quarantine_reason); quarantined rows are the base rows with one.
    Fails with one row holding the four counts when the equation does not hold.
    A source whose meta.optional is true may have no files: its raw rows count as zero and
    the base model and stg model must then be empty. -#}
{% test reconciles_with_raw(model, source_name, table_name, key_columns, latest_by, latest_by_type=none,
                            deleted_when=none, stg_model=none) %}
{%- set raw_relation = source(source_name, table_name) -%}
{%- set order_columns = [latest_by] if latest_by is string else latest_by -%}
{%- set has_files = [true] -%}
{%- if execute -%}
    {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error(
            "reconciles_with_raw on " ~ model ~ ": no source " ~ source_name ~ "." ~ table_name) }}
    {%- endif -%}
    {%- set optional = (node.meta or {}).get('optional', false) in [true, 'true'] -%}
    {%- set found = modules.re.search("read_(parquet|csv)\\(\\s*'((?:[^']|'')*)'", node.relation_name or '') -%}
    {%- if optional and found -%}
        {%- set files = run_query("select count(*) from glob('" ~ found.group(2) ~ "')") -%}
        {%- if files.columns[0].values()[0] == 0 -%}
            {%- do has_files.clear() -%}
            {%- do log('reconciles_with_raw: ' ~ source_name ~ '.' ~ table_name
                ~ ' has no files in the landing zone (optional source); its raw rows count as 0', info=true) -%}
        {%- endif -%}
    {%- endif -%}
{%- endif %}

with raw_rows as (

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

),

ranked as (

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
    from raw_rows

),

raw_counts as (

    select
        count(*) as raw_rows,
        coalesce(sum(
            case when not has_null_key and (recency > 1 or is_deletion = 1) then 1 else 0 end
        ), 0) as superseded_rows
    from ranked

),

staged_counts as (

    select count(*) as staged_rows
    {%- if stg_model %}
    from {{ stg_model }}
    {%- else %}
    from {{ model }}
    where quarantine_reason is null
    {%- endif %}

),

quarantined_counts as (

    select count(*) as quarantined_rows
    from {{ model }}
    where quarantine_reason is not null

),

reconciliation as (

    select
        raw_counts.raw_rows,
        staged_counts.staged_rows,
        quarantined_counts.quarantined_rows,
        raw_counts.superseded_rows
    from raw_counts
    cross join staged_counts
    cross join quarantined_counts

)

select * from reconciliation
where raw_rows <> staged_rows + quarantined_rows + superseded_rows

{% endtest %}
