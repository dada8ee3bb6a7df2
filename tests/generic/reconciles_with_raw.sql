{#- Declared on a base model: every raw row of its source is accounted for,
        raw rows = staged rows + quarantined rows + superseded change versions.
    Counted from the raw rows, not with the model's logic (macro raw_reconciliation_counts,
    which the model raw_reconciliation shares): a row is superseded when its key is complete
    and it is not the latest row of its record (ordered by latest_by, highest first; on a tie a
    deletion is latest), or when it is the latest row and a deletion (deleted_when). A row
    with a NULL in any key expression is never superseded: staging must quarantine it. Staged
    rows are the rows of stg_model (or, without one, the base rows without a
    quarantine_reason); quarantined rows are the base rows with one.
    Fails with one row holding the four counts when the equation does not hold.
    A source whose meta.optional is true may have no files: its raw rows count as zero and
    the base model and stg model must then be empty.
    With the marker changed_rows() in its `where` (macros/changed_rows.sql), an incremental
    `dbt build` of a D365 table counts only the records with a raw row in the base table's lake
    window, chosen on both sides by their recid (rows without one by their lake time); a full
    refresh, `dbt test`, a first build and the HighRadius tables count every row. -#}
{% test reconciles_with_raw(model, source_name, table_name, key_columns, latest_by, latest_by_type=none,
                            deleted_when=none, stg_model=none) %}

{%- set has_files = source_has_files(source_name, table_name) %}
{%- set start = none %}
{#- D365 only: a HighRadius raw row's extraction time is text, and parsing it on every raw row to
    find the window costs more than the count it would limit -#}
{%- if execute and has_files and source_name == 'd365' and changed_rows_marker() in (config.get('where') or '') %}
    {%- set start = changed_rows_window_start(incremental_base_model(model.identifier)) %}
{%- endif %}
{%- if start is none %}
{%- set raw_relation = source(source_name, table_name) %}
{%- else %}
{%- set id_column, raw_id = 'recid', safe_cast('recid', dbt.type_bigint()) %}
{%- set raw_lake_time, lake_column = d365_timestamp('sinkmodifiedon'), 'lake_modified_at' %}
{%- set raw_relation -%}
(
    select * from {{ source(source_name, table_name) }}
    where
        {{ raw_id }} in (select window_ids.record_id from window_ids)
        or ({{ raw_id }} is null and {{ lake_time_after(raw_lake_time, start) }})
) as raw_rows_of_changed_records
{%- endset %}
{%- endif %}

with {% if start is not none -%}
window_ids as (

    -- the records with a raw row in the lake window, by id
    select distinct {{ raw_id }} as record_id
    from {{ source(source_name, table_name) }}
    where {{ lake_time_after(raw_lake_time, start) }}

),

{% endif -%}
raw_counts as (

    {{ raw_reconciliation_counts(raw_relation, key_columns, latest_by, latest_by_type,
                                 deleted_when, has_files) }}

),

staged_counts as (

    select count(*) as staged_rows
    {%- if stg_model %}
    from {{ stg_model }} as staged
    {%- else %}
    from {{ model }} as staged
    where quarantine_reason is null
    {%- endif %}
    {%- if start is not none %}
    {{ 'and' if not stg_model else 'where' }} staged.{{ id_column }} in (select window_ids.record_id from window_ids)
    {%- endif %}

),

quarantined_counts as (

    select count(*) as quarantined_rows
    from {{ model }} as quarantined
    where
        quarantine_reason is not null
        {%- if start is not none %}
        and (
            quarantined.{{ id_column }} in (select window_ids.record_id from window_ids)
            or (
                quarantined.{{ id_column }} is null
                and {{ lake_time_after('quarantined.' ~ lake_column, start) }}
            )
        )
        {%- endif %}

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
