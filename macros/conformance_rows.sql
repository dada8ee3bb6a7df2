{#- The rows of a dunning-conformance rule model (int_conformance_*), read from the relation
    holding its checks: the columns of fct_dunning_conformance in their order and types. A rule
    that does not apply keeps its status, its reason, its policy version and its reference date;
    its values, days and evidence are blanked and its evidence count is 0. -#}
{% macro conformance_rows(checks) -%}
{%- set int = dbt.type_int() %}
select
    case_id,
    rule_id,
    company_code,
    invoice_id,
    status,
    not_applicable_reason,
    policy_id,
    policy_version,
    policy_reference_date,
    {%- for column in ['expected_value', 'observed_value', 'evidence_event_ids'] %}
    case when status <> 'not_applicable' then {{ column }} end as {{ column }},
    {%- endfor %}
    {%- for column in ['expected_days', 'observed_days', 'deviation_days'] %}
    cast(case when status <> 'not_applicable' then {{ column }} end as {{ int }}) as {{ column }},
    {%- endfor %}
    cast(
        case when status <> 'not_applicable' then coalesce(evidence_event_count, 0) else 0 end as {{ int }}
    ) as evidence_event_count
from {{ checks }}
{%- endmacro %}
