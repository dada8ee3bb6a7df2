-- grain: one row per dunning rule, company, due month and collector
-- Conformance per rule for a BI tool: how many invoices each rule checked, passed, found in
-- violation or found not applicable, and the conformance rate, by company, by the month the
-- invoices fell due and by collector (NULL when the invoice has none).
with conformance as (

    select
        case_id,
        rule_id,
        company_code,
        status
    from {{ ref('fct_dunning_conformance') }}

),

cases as (

    select
        case_id,
        collector_id,
        cast({{ dbt.date_trunc('month', 'due_date') }} as date) as due_month
    from {{ ref('cases') }}

),

dunning_rules as (

    select
        rule_id,
        rule_name
    from {{ ref('dunning_rules') }}

),

counted as (

    select
        conformance.rule_id,
        conformance.company_code,
        cases.due_month,
        cases.collector_id,
        count(*) as invoices_checked,
        sum(case when conformance.status = 'violation' then 1 else 0 end) as violations,
        sum(case when conformance.status = 'pass' then 1 else 0 end) as passes,
        sum(case when conformance.status = 'not_applicable' then 1 else 0 end) as not_applicable
    from conformance
    inner join cases
        on conformance.case_id = cases.case_id
    group by conformance.rule_id, conformance.company_code, cases.due_month, cases.collector_id

)

select
    counted.rule_id,
    counted.company_code,
    counted.due_month,
    counted.collector_id,
    dunning_rules.rule_name,
    cast(counted.invoices_checked as {{ dbt.type_int() }}) as invoices_checked,
    cast(counted.violations as {{ dbt.type_int() }}) as violations,
    cast(counted.passes as {{ dbt.type_int() }}) as passes,
    cast(counted.not_applicable as {{ dbt.type_int() }}) as not_applicable,
    cast(
        case
            when counted.passes + counted.violations > 0
                then 1.0 * counted.passes / (counted.passes + counted.violations)
        end
        as {{ dbt.type_numeric() }}
    ) as conformance_rate
from counted
left join dunning_rules
    on counted.rule_id = dunning_rules.rule_id
