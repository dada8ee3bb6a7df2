-- grain: one row per violation of one rule and evidence event
-- Every violation of the rule given by the var `rule` (R01-R09, default R01), with each event
-- that proves it, in event order: what happened, when, who did it and which raw record says so.
-- dbt compile --select dunning_violations_with_evidence --vars '{rule: R05}'
{%- set rule = var('rule', 'R01') | string | upper %}
{%- if rule not in ['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09'] %}
    {{ exceptions.raise_compiler_error("var rule must be one of R01 to R09, got '" ~ rule ~ "'") }}
{%- endif %}

with violations as (

    select * from {{ ref('fct_dunning_conformance') }}
    where rule_id = '{{ rule }}' and status = 'violation'

),

events as (

    select * from {{ ref('event_log') }}

),

cases as (

    select * from {{ ref('cases') }}

),

dunning_rules as (

    select * from {{ ref('dunning_rules') }}

)

select
    violations.rule_id,
    dunning_rules.rule_name,
    violations.case_id,
    violations.company_code,
    violations.invoice_id,
    cases.collector_id,
    cases.due_date,
    violations.policy_id,
    violations.policy_version,
    violations.expected_value,
    violations.observed_value,
    violations.deviation_days,
    events.event_id,
    events.activity,
    events.event_timestamp,
    events.dunning_level,
    events.resource,
    events.source_system,
    events.source_table,
    events.source_record_id
from violations
inner join cases
    on violations.case_id = cases.case_id
inner join dunning_rules
    on violations.rule_id = dunning_rules.rule_id
inner join events
    on
        violations.case_id = events.case_id
        and ',' || violations.evidence_event_ids || ',' like '%,' || events.event_id || ',%'
order by
    violations.company_code,
    violations.invoice_id,
    events.event_timestamp,
    events.activity_order,
    events.event_id
