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
    the base model and stg model must then be empty. -#}
{% test reconciles_with_raw(model, source_name, table_name, key_columns, latest_by, latest_by_type=none,
                            deleted_when=none, stg_model=none) %}

with raw_counts as (

    {{ raw_reconciliation_counts(source(source_name, table_name), key_columns, latest_by, latest_by_type,
                                 deleted_when, source_has_files(source_name, table_name)) }}

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
