{#- Incremental HighRadius base tables (incremental on DuckDB, strategy replace_records) in two
    steps, so that an incremental run types only the rows it needs:

    hr_changed_rows, the model's source: in an incremental run, the landing rows of the records
    a run can change, chosen by the record's id column (hr_record_id_column; every row of a
    record has the same id, so whole records are kept): ids with a row extracted after the
    table's latest stored extracted_at minus var incremental_lookback_hours or without an
    extraction time, ids of stored rows whose orphan verdict may have changed
    (stale_orphan_records; references as there), and the ids the query `stale` returns (a model
    whose verdicts depend on more than its references); plus the rows without an id in that
    window. The landing rows are read twice: once for the ids (parsing each row's extraction
    time), once for the rows of those ids (comparing the id only).

    hr_keyed_rows, after the model's typed rows: adds record_key (hr_record_key) and, in an
    incremental run, leaves out rows without a key from outside the window (such a row never
    changes: it was stored when it arrived). -#}
{% macro hr_changed_rows(table, relation, references=[], stale=none) -%}
    {%- do assert_replace_records_ready() -%}
    {%- set id = hr_record_id_column(table) -%}
    select * from {{ relation }} as source_rows
    {%- if is_incremental() %}
    -- every row of a changed record (by id: one cheap comparison per row), and the rows without an
    -- id in the window (their extraction time is parsed for them only)
    where
        nullif(trim(source_rows.{{ id }}), '') in (
            select nullif(trim(changed_rows.{{ id }}), '')
            from {{ relation }} as changed_rows
            where {{ in_lake_window(hr_timestamp_utc('changed_rows.extracted_at'), 'extracted_at') }}
            union all
            {{ stale_orphan_records(references, company=true, returning=id) }}
            {%- if stale %}
            union all
            {{ stale }}
            {%- endif %}
        )
        or (
            nullif(trim(source_rows.{{ id }}), '') is null
            and {{ in_lake_window(hr_timestamp_utc('source_rows.extracted_at'), 'extracted_at') }}
        )
    {%- endif %}
{%- endmacro %}

{#- The column that identifies a HighRadius record on its own or together with others: the
    contract's key, or for a composite key its id column (hr_customer: customer_number). -#}
{% macro hr_record_id_column(table) -%}
    {%- set ids = {'hr_customer': 'customer_number', 'hr_correspondence_invoice': 'correspondence_id',
                   'hr_dispute_status_history': 'dispute_id'} -%}
    {%- set key = contract_key('highradius', table).split(', ') -%}
    {%- if table not in ids and key | length > 1 -%}
        {{ exceptions.raise_compiler_error("hr_record_id_column: no id column for " ~ table ~ " (key " ~ key ~ ")") }}
    {%- endif -%}
    {{ return(ids.get(table, key[0])) }}
{%- endmacro %}

{% macro hr_keyed_rows(table, relation='typed') -%}
    select * from (
        select
            keyed_rows.*,
            {{ hr_record_key(table, 'keyed_rows') }} as record_key
        from {{ relation }} as keyed_rows
    ) as keyed
    {%- if is_incremental() %}
    where
        keyed.record_key not like 'keyless|%'
        or {{ in_lake_window('keyed.extracted_at', 'extracted_at') }}
    {%- endif %}
{%- endmacro %}

{#- record_key of a typed HighRadius row: each key column as <length>:<value>, joined by '|'. -#}
{% macro hr_record_key(table, alias) -%}
    {%- set parts = [] -%}
    {%- for column in contract_key('highradius', table).split(', ') -%}
        {%- set value = 'cast(' ~ alias ~ '.' ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- do parts.append(dbt.length(value) ~ " || ':' || " ~ value) -%}
    {%- endfor -%}
    case
        when {{ contract_missing_key('highradius', table, relation=alias, key_only=true) }}
            then 'keyless|' || coalesce(cast({{ alias }}.extracted_at as {{ dbt.type_string() }}), 'none')
        else {{ parts | join(" || '|' || ") }}
    end
{%- endmacro %}
