-- grain: one row per collector and rule
-- Conformance rate of each collector per rule over all due months: invoices the rule applied
-- to, passes, violations and passes / (passes + violations), worst first. Each invoice counts for
-- the collector who worked it before its outcome (cases.collector_id); invoices no collector
-- worked are grouped under a NULL collector_id.

with summary as (

    select * from {{ ref('fct_dunning_conformance_summary') }}

),

per_collector as (

    select
        company_code,
        collector_id,
        rule_id,
        rule_name,
        sum(passes + violations) as invoices_applicable,
        sum(passes) as passes,
        sum(violations) as violations
    from summary
    group by company_code, collector_id, rule_id, rule_name

)

select
    company_code,
    collector_id,
    rule_id,
    rule_name,
    invoices_applicable,
    passes,
    violations,
    case when invoices_applicable > 0 then 1.0 * passes / invoices_applicable end as conformance_rate
from per_collector
order by conformance_rate asc, violations desc, company_code asc, collector_id asc, rule_id asc
