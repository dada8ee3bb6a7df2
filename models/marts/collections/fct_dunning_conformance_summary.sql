-- grain: one row per dunning rule, company, due month and collector
-- Conformance per rule for a BI tool: how many invoices each rule checked, passed, found in
-- violation or found not applicable, and the conformance rate, by company, by the month the
-- invoices fell due and by collector (NULL when the invoice has none).
with conformance as (

    select * from {{ ref('fct_dunning_conformance') }}

),

counted as (

    select
        rule_id,
        company_code,
        due_month,
        collector_id,
        rule_name,
        count(*) as invoices_checked,
        sum(case when status = 'violation' then 1 else 0 end) as violations,
        sum(case when status = 'pass' then 1 else 0 end) as passes,
        sum(case when status = 'not_applicable' then 1 else 0 end) as not_applicable
    from conformance
    group by rule_id, company_code, due_month, collector_id, rule_name

)

select
    rule_id,
    company_code,
    due_month,
    collector_id,
    rule_name,
    cast(invoices_checked as {{ dbt.type_int() }}) as invoices_checked,
    cast(violations as {{ dbt.type_int() }}) as violations,
    cast(passes as {{ dbt.type_int() }}) as passes,
    cast(not_applicable as {{ dbt.type_int() }}) as not_applicable,
    cast(
        case when passes + violations > 0 then 1.0 * passes / (passes + violations) end
        as {{ dbt.type_numeric() }}
    ) as conformance_rate
from counted
