-- grain: one row per raw record that cannot be used (source system, table, record)
-- Every row that staging sets aside, with the reason. Together with the staged rows and the
-- superseded change versions it accounts for every raw row (tests/generic/reconciles_with_raw).
{%- set d365 = ['custtable', 'dirpartytable', 'hcmworker', 'paymterm', 'custinvoicetable', 'custinvoicejour',
                'custtrans', 'custsettlement', 'ledgerjournaltable', 'ledgerjournaltrans',
                'dimensionattributevaluecombination', 'custcollectionletterjour', 'custcollectionlettertrans',
                'custdisputehistory', 'smmactivities', 'custcollectionslinkactivitiescusttrans',
                'credmancreditlimitadjtable', 'credmancreditlimitadjtrans', 'workflowtrackingstatustable',
                'workflowtrackingtable', 'srsanalysisenums'] %}
{%- set highradius = ['hr_customer', 'hr_collector', 'hr_correspondence', 'hr_correspondence_invoice',
                      'hr_collection_activity', 'hr_promise_to_pay', 'hr_dispute', 'hr_dispute_status_history',
                      'hr_credit_review', 'hr_payment', 'hr_cash_application'] %}
{{ config(materialized='table') }}

with quarantined as (

    {% for table in d365 %}
    select
        'd365' as source_system,
        '{{ table }}' as source_table,
        source_record_id,
        quarantine_reason as reason_code,
        quarantine_detail as detail
    from {{ ref('base_d365__' ~ table) }}
    where quarantine_reason is not null
    union all
    {% endfor %}
    {% for obj in highradius %}
    select
        'highradius' as source_system,
        '{{ obj }}' as source_table,
        source_record_id,
        quarantine_reason as reason_code,
        quarantine_detail as detail
    from {{ ref('base_highradius__' ~ obj) }}
    where quarantine_reason is not null
    union all
    {% endfor %}
    select
        'highradius' as source_system,
        source_table,
        source_record_id,
        'MALFORMED_ROW' as reason_code,
        error_type || ': ' || error_message || ' (' || file_path
        || coalesce(', line ' || cast(line_number as {{ dbt.type_string() }}), '') || ')' as detail
    from {{ ref('base_highradius__rejected_lines') }}

),

final as (

    select
        source_system,
        source_table,
        source_record_id,
        reason_code,
        detail
    from quarantined

)

select * from final
