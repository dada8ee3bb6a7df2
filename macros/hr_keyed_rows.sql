{#- The typed rows of a HighRadius object with record_key, the identity of their record (the
    contract's key columns; a row without them is its own group by extraction time,
    'keyless|<extracted_at>'). In an incremental run (the base tables are incremental on
    DuckDB, strategy replace_records) only the rows of the records a run can change are kept:
    records with a row extracted after the table's latest stored extracted_at minus var
    incremental_lookback_hours, or with no extraction time, and the stored rows whose orphan
    verdict may have changed (stale_orphan_records; references as there, matched on
    company_code unless the reference says otherwise), and the record keys the query
    `stale` returns (a model whose verdicts depend on more than its references). relation: the
    typed rows. -#}
{% macro hr_keyed_rows(table, relation='typed', references=[], stale=none) -%}
    {%- set key = hr_record_key(table, 'keyed_rows') -%}
    {%- do assert_replace_records_ready() -%}
    select * from (
        select
            keyed_rows.*,
            {{ key }} as record_key
        from {{ relation }} as keyed_rows
    ) as keyed
    {%- if is_incremental() %}
    {%- set stored_lake_time -%}
        (select max(stored_rows.extracted_at) from {{ this }} as stored_rows)
    {%- endset %}
    where keyed.record_key in (
        select {{ hr_record_key(table, 'changed_rows') }}
        from {{ relation }} as changed_rows
        where
            changed_rows.extracted_at is null
            or {{ stored_lake_time }} is null
            or changed_rows.extracted_at > {{ dbt.dateadd('hour', - var('incremental_lookback_hours'), stored_lake_time) }}
        union all
        {{ stale_orphan_records(references, company=true) }}
        {%- if stale %}
        union all
        {{ stale }}
        {%- endif %}
    )
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
