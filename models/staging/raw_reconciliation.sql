-- grain: one row per raw table (source_system, source_table)
-- raw rows = staged rows + quarantined rows + superseded change versions, per raw table, counted
-- as the test reconciles_with_raw counts them (macro raw_reconciliation_counts), kept in a table
-- so that the audit pack and the report can show the numbers of the build. The keys and
-- latest-row columns are those of the test on each base model (python/tests/test_audit_pack.py
-- checks that the two lists agree).
{%- set d365_company_key = ["upper(trim(dataareaid))", "recid"] %}
{%- set tables = [
    ('d365', 'custtable', d365_company_key), ('d365', 'dirpartytable', ['recid']),
    ('d365', 'hcmworker', ['recid']), ('d365', 'paymterm', d365_company_key),
    ('d365', 'custinvoicetable', d365_company_key), ('d365', 'custinvoicejour', d365_company_key),
    ('d365', 'custtrans', d365_company_key), ('d365', 'custsettlement', d365_company_key),
    ('d365', 'ledgerjournaltable', d365_company_key), ('d365', 'ledgerjournaltrans', d365_company_key),
    ('d365', 'dimensionattributevaluecombination', ['recid']),
    ('d365', 'custcollectionletterjour', d365_company_key), ('d365', 'custcollectionlettertrans', d365_company_key),
    ('d365', 'custdisputehistory', d365_company_key), ('d365', 'smmactivities', d365_company_key),
    ('d365', 'custcollectionslinkactivitiescusttrans', d365_company_key),
    ('d365', 'credmancreditlimitadjtable', d365_company_key), ('d365', 'credmancreditlimitadjtrans', d365_company_key),
    ('d365', 'workflowtrackingstatustable', ['recid']), ('d365', 'workflowtrackingtable', ['recid']),
    ('d365', 'srsanalysisenums', ['enumname', 'enumitemvalue', "coalesce(languageid, '')"]),
    ('highradius', 'hr_customer', ["upper(trim(company_code))", "nullif(trim(customer_number), '')"]),
    ('highradius', 'hr_collector', ["nullif(trim(collector_id), '')"]),
    ('highradius', 'hr_correspondence', ["nullif(trim(correspondence_id), '')"]),
    ('highradius', 'hr_correspondence_invoice', ["nullif(trim(correspondence_id), '')",
                                                 "nullif(trim(invoice_number), '')"]),
    ('highradius', 'hr_collection_activity', ["nullif(trim(activity_id), '')"]),
    ('highradius', 'hr_promise_to_pay', ["nullif(trim(p2p_id), '')"]),
    ('highradius', 'hr_dispute', ["nullif(trim(dispute_id), '')"]),
    ('highradius', 'hr_dispute_status_history', ["nullif(trim(dispute_id), '')", "nullif(trim(status), '')",
                                                 "nullif(trim(changed_at), '')"]),
    ('highradius', 'hr_credit_review', ["nullif(trim(review_id), '')"]),
    ('highradius', 'hr_payment', ["nullif(trim(payment_id), '')"]),
    ('highradius', 'hr_cash_application', ["nullif(trim(application_id), '')"]),
] %}
{{ config(materialized='table') }}

with raw_counts as (
    {%- for system, table, key_columns in tables %}

    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        table_counts.raw_rows,
        table_counts.superseded_rows
    from (
        {%- if system == 'd365' %}
        {{ raw_reconciliation_counts(source(system, table), key_columns, 'versionnumber', none, 'isdelete = 1',
                                     source_has_files(system, table)) }}
        {%- else %}
        {{ raw_reconciliation_counts(source(system, table), key_columns, 'extracted_at', 'timestamp with time zone',
                                     none, source_has_files(system, table)) }}
        {%- endif %}
    ) as table_counts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

base_counts as (
    {%- for system, table, key_columns in tables %}

    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        count(*) - count(quarantine_reason) as staged_rows,
        count(quarantine_reason) as quarantined_rows
    from {{ ref('base_' ~ system ~ '__' ~ table) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

counts as (

    select
        raw_counts.source_system,
        raw_counts.source_table,
        raw_counts.raw_rows,
        base_counts.staged_rows,
        base_counts.quarantined_rows,
        raw_counts.superseded_rows
    from raw_counts
    inner join base_counts
        on
            raw_counts.source_system = base_counts.source_system
            and raw_counts.source_table = base_counts.source_table

),

malformed as (

    select
        source_table,
        count(*) as malformed_lines
    from {{ ref('base_highradius__rejected_lines') }}
    group by source_table

),

final as (

    select
        counts.source_system,
        counts.source_table,
        cast(counts.raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(counts.staged_rows as {{ dbt.type_bigint() }}) as staged_rows,
        cast(counts.quarantined_rows as {{ dbt.type_bigint() }}) as quarantined_rows,
        cast(counts.superseded_rows as {{ dbt.type_bigint() }}) as superseded_rows,
        cast(coalesce(malformed.malformed_lines, 0) as {{ dbt.type_bigint() }}) as malformed_lines,
        counts.raw_rows = counts.staged_rows + counts.quarantined_rows + counts.superseded_rows as is_reconciled
    from counts
    left join malformed
        on
            counts.source_system = 'highradius'
            and counts.source_table = malformed.source_table

)

select * from final
