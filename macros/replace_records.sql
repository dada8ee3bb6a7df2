{#- Incremental strategy replace_records, for the staging base tables: the model's output holds
    the records a run resolved again (d365_current_versions, hr_changed_rows), keyed by the
    model's unique_key (record_key). Every stored row of those records is deleted and the new rows inserted; a row
    whose record_key starts with 'deleted|' (the record's current row in the lake is a
    deletion) only deletes the stored record. Selected with incremental_strategy='replace_records'. -#}
{% macro get_incremental_replace_records_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where {{ key }} in (
        select
            case
                when {{ key }} like 'deleted|%' then {{ dbt.right(key, dbt.length(key) ~ ' - 8') }}
                else {{ key }}
            end
        from {{ source }}
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
    where {{ key }} not like 'deleted|%'
{%- endmacro %}

{#- The stored records of an incremental base table whose orphan verdict may have changed since
    they were stored: every quarantined ORPHAN_REFERENCE row (its parent may have arrived) and
    every usable row whose parent is no longer a usable row. references: [column, parent base
    model, parent column] or [column, parent base model, parent column, company], company
    (default `company`) true when the parent is matched on company_code as well. -#}
{% macro stale_orphan_records(references, company=true, returning='record_key') -%}
    {%- set columns = [returning] if returning is string else returning %}
    select
        {%- for column in columns %}
        stored.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as stored
    {%- for reference in references %}
    {%- set column, parent, parent_column = reference[0], reference[1], reference[2] %}
    {%- set by_company = reference[3] if reference | length > 3 else company %}
    left join (
        select distinct
            {% if by_company %}company_code, {% endif %}{{ parent_column }} as ref_key
        from {{ ref(parent) }}
        where quarantine_reason is null
    ) as parent_{{ loop.index }}
        on
            stored.{{ column }} = parent_{{ loop.index }}.ref_key
            {%- if by_company %}
            and stored.company_code = parent_{{ loop.index }}.company_code
            {%- endif %}
    {%- endfor %}
    where
        stored.quarantine_reason = 'ORPHAN_REFERENCE'
        {%- for reference in references %}
        or (
            stored.quarantine_reason is null
            and stored.{{ reference[0] }} is not null
            and parent_{{ loop.index }}.ref_key is null
        )
        {%- endfor %}
{%- endmacro %}

{#- An incremental run of a base table needs the record_key column: a table built by a version
    of the project without it stops the run with what to do, not with a binder error. -#}
{% macro assert_replace_records_ready() -%}
    {%- if execute and is_incremental() -%}
        {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if 'record_key' not in names -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no record_key column: it was built by an earlier version of the project, "
                ~ "whose staging base tables were not incremental. Rebuild once with `dbt build --full-refresh`.") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- True for a lake time inside the window an incremental base-table run reads again: later than
    the latest `stored_column` of the stored table minus var incremental_lookback_hours, or
    unknown (NULL); every value when the table stores none. The window's start is read from the
    stored table when the model runs (lake_window_start) and written into the query as a
    constant: compared with a constant, the lake time of each landing row is one cheap
    comparison, where a subquery in the condition made the engine join every row with it. -#}
{% macro in_lake_window(lake_time, stored_column) -%}
    {%- set start = lake_window_start(stored_column) -%}
    {%- if start is none -%}
    (1 = 1)
    {%- else -%}
    {{ lake_time_after(lake_time, start) }}
    {%- endif -%}
{%- endmacro %}

{#- True for a lake time later than `start` (text, a timestamp) or unknown (NULL): the condition of
    every lake window (in_lake_window; the data tests on changed rows, macros/changed_rows.sql). -#}
{% macro lake_time_after(lake_time, start) -%}
    (
        {{ lake_time }} is null
        or {{ lake_time }} > cast('{{ start }}' as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}

{#- The start of the lake window of the model being run (see in_lake_window), as text: the
    stored table's latest `stored_column` minus var incremental_lookback_hours; none when the
    table stores no lake time, and when dbt is not executing or the run is not incremental (the
    condition is then not run: the macros that use it render it in incremental runs only). -#}
{% macro lake_window_start(stored_column) -%}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query -%}
        select cast(
            {{ dbt.dateadd('hour', - var('incremental_lookback_hours'), 'max(stored_rows.' ~ stored_column ~ ')') }}
            as {{ dbt.type_string() }}
        ) as window_start
        from {{ this }} as stored_rows
    {%- endset -%}
    {{- return(run_query(query).columns[0].values()[0]) -}}
{%- endmacro %}
