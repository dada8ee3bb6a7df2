{#- Change-data resolution of a D365 table as Synapse Link lands it: the row with the highest
    versionnumber of each record (company + recid, or recid for tables without a company),
    unless that row is a deletion (isdelete = 1). Rows without a key are kept as they are, so
    that they reach the quarantine instead of collapsing into one "record". Adds version_rank
    and record_key (d365_record_key).

    Incremental runs (the base tables are incremental on DuckDB, strategy replace_records):
    only the records a run can change are resolved again, from all their rows in the lake:
    - records with a row written to the lake (sinkmodifiedon) after the table's latest stored
      lake time minus var incremental_lookback_hours (late rows), or with no lake time;
    - stored rows whose orphan verdict may have changed: `references` lists
      [column, parent base model, parent column] of the ORPHAN_REFERENCE checks of the model;
      a quarantined orphan is checked again, and so is a usable row whose parent is gone.
    A record whose current row is a deletion comes out with record_key 'deleted|<key>', which
    replace_records turns into the deletion of the stored record. -#}
{% macro d365_current_versions(relation, has_company=true, references=[]) -%}
    {%- set incremental = is_incremental() -%}
    {%- do assert_replace_records_ready() -%}
    {%- set key = d365_record_key('source_rows', has_company) -%}
    select * from (
        {%- if incremental %}
        with changed_keys as (

            -- the records to resolve again: every record with a row in the lake window, and the
            -- stored records whose orphan verdict may have changed
            select
                {{ safe_cast('changed_rows.recid', dbt.type_bigint()) }} as recid,
                {{ d365_record_key('changed_rows', has_company) }} as record_key
            from {{ relation }} as changed_rows
            where {{ in_lake_window(d365_timestamp('changed_rows.sinkmodifiedon'), 'lake_modified_at') }}
            union all
            {{ stale_orphan_records(references, company=has_company, returning=['recid', 'record_key']) }}

        )

        {% endif -%}
        select
            source_rows.*,
            row_number() over (
                partition by {% if has_company %}{{ normalise_company('source_rows.dataareaid') }}, {% endif %}source_rows.recid
                order by
                    source_rows.versionnumber desc,
                    source_rows.sinkmodifiedon desc,
                    coalesce(source_rows.isdelete, 0) desc
            ) as version_rank,
            case
                when coalesce(source_rows.isdelete, 0) = 1 and {{ key }} not like 'keyless|%' then 'deleted|'
                else ''
            end || {{ key }} as record_key
        from {{ relation }} as source_rows
        {%- if incremental %}
        -- the record's recid first (a number: a cheap test that leaves out almost every row), then
        -- its whole key for the rows that pass
        where
            (
                {{ safe_cast('source_rows.recid', dbt.type_bigint()) }} is null
                or {{ safe_cast('source_rows.recid', dbt.type_bigint()) }} in (
                    select changed_keys.recid from changed_keys
                )
            )
            and {{ key }} in (select changed_keys.record_key from changed_keys)
        {%- endif %}
    ) as ranked
    where
        ranked.recid is null
        {%- if has_company %}
        or {{ normalise_company('ranked.dataareaid') }} is null
        {%- endif %}
        or (ranked.version_rank = 1 and coalesce(ranked.isdelete, 0) <> 1)
        {%- if incremental %}
        or ranked.version_rank = 1
        {%- endif %}
{%- endmacro %}

{#- The identity of a D365 landing row's record, as text: company and recid (recid alone for
    tables without a company); a row without them is its own group by lake time
    ('keyless|<sinkmodifiedon>'), so that it is read again only with the rows written with it.
    In an incremental run, a current row that is a deletion gets 'deleted|' before its key. -#}
{% macro d365_record_key(alias, has_company=true) -%}
    case
        when {{ alias }}.recid is null
            {%- if has_company %} or {{ normalise_company(alias ~ '.dataareaid') }} is null{% endif %}
            then 'keyless|' || coalesce(cast({{ alias }}.sinkmodifiedon as {{ dbt.type_string() }}), 'none')
        else
            {% if has_company %}{{ normalise_company(alias ~ '.dataareaid') }} || '|' || {% endif -%}
            cast({{ alias }}.recid as {{ dbt.type_string() }})
    end
{%- endmacro %}
