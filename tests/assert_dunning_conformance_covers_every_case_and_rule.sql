{{ config(group='collections') }}
-- Every invoice of `cases` has exactly one row per rule R01-R09 in fct_dunning_conformance.
-- The model's other tests make each row's key unique and complete (primary_key), its rule one
-- of R01-R09 (accepted_values) and its case one of `cases` (relationships); given those, each
-- rule has a row for every case exactly when it has as many rows as `cases` has cases, which
-- two counts check without joining the nine rows of every invoice back to `cases`.
-- Fails with one row per rule whose row count differs from the number of cases (a rule with
-- no row at all included).

with case_count as (
    select count(*) as cases
    from {{ ref('cases') }}
),

rules as (
    select rule_id
    from {{ ref('dunning_rules') }}
),

rule_rows as (
    select
        rule_id,
        count(*) as rule_rows
    from {{ ref('fct_dunning_conformance') }}
    group by rule_id
)

select
    case_count.cases,
    coalesce(rules.rule_id, rule_rows.rule_id) as rule_id,
    coalesce(rule_rows.rule_rows, 0) as rule_rows
from rules
full outer join rule_rows
    on rules.rule_id = rule_rows.rule_id
cross join case_count
where coalesce(rule_rows.rule_rows, 0) <> case_count.cases
