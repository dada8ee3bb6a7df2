-- grain: one row per case (customer invoice) and dunning rule (R01-R09)
-- How each invoice's dunning conforms to the dunning policy (seed dunning_policy), as of the
-- as-of date of `cases`: per rule a status, the expected and the observed value, the deviation
-- in days, the policy version applied and the events that prove the status. The rules are
-- judged in parts (models/core/collections; docs/conformance.md shows how they fit):
-- the policy version in force on each judged date (int_dunning_policies_applied), the letters
-- with their flags (int_dunning_letters_flagged), the open disputes and promises
-- (int_dunning_open_intervals) and the facts of each invoice (int_conformance_case_facts) feed
-- one model per rule or rule family, whose rows (macro conformance_rows) are put together here.
{%- set rule_models = [
    'int_conformance_first_letter_timing',
    'int_conformance_letter_sequence',
    'int_conformance_letters_in_open_intervals',
    'int_conformance_letters_after_settlement',
    'int_conformance_write_offs',
] %}

with checks as (

    {%- for rule_model in rule_models %}

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
        expected_value,
        observed_value,
        evidence_event_ids,
        expected_days,
        observed_days,
        deviation_days,
        evidence_event_count
    from {{ ref(rule_model) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

)

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
    expected_value,
    observed_value,
    evidence_event_ids,
    expected_days,
    observed_days,
    deviation_days,
    evidence_event_count
from checks
