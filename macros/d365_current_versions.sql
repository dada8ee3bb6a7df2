{#- Change-data resolution of a D365 table as Synapse Link lands it: the row with the highest
    versionnumber of each record (company + recid, or recid for tables without a company),
    unless that row is a deletion (isdelete = 1). Rows without a key are kept as they are, so
    that they reach the quarantine instead of collapsing into one "record". Adds version_rank. -#}
{% macro d365_current_versions(relation, has_company=true) -%}
    select * from (
        select
            source_rows.*,
            row_number() over (
                partition by {% if has_company %}{{ normalise_company('source_rows.dataareaid') }}, {% endif %}source_rows.recid
                order by
                    source_rows.versionnumber desc,
                    source_rows.sinkmodifiedon desc,
                    coalesce(source_rows.isdelete, 0) desc
            ) as version_rank
        from {{ relation }} as source_rows
    ) as ranked
    where
        ranked.recid is null
        {%- if has_company %}
        or {{ normalise_company('ranked.dataareaid') }} is null
        {%- endif %}
        or (ranked.version_rank = 1 and coalesce(ranked.isdelete, 0) <> 1)
{%- endmacro %}
