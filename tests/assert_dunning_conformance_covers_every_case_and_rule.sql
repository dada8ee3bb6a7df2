-- Every invoice of `cases` has exactly one row per rule R01-R09 in fct_dunning_conformance.
-- Fails with one row per case that is missing, has a rule missing or has an extra row.

with cases as (
    select case_id from {{ ref('cases') }}
),

conformance as (
    select
        case_id,
        count(*) as rule_rows,
        count(distinct rule_id) as rules
    from {{ ref('fct_dunning_conformance') }}
    group by case_id
)

select
    conformance.rule_rows,
    conformance.rules,
    coalesce(cases.case_id, conformance.case_id) as case_id
from cases
full outer join conformance
    on cases.case_id = conformance.case_id
where
    cases.case_id is null
    or conformance.case_id is null
    or conformance.rule_rows <> 9
    or conformance.rules <> 9
