-- A late first letter (R02) and no letter at all (R09) exclude each other: no invoice is in
-- violation of both. Fails with one row per invoice that is.

select
    case_id,
    count(*) as violated_rules
from {{ ref('fct_dunning_conformance') }}
where rule_id in ('R02', 'R09') and status = 'violation'
group by case_id
having count(*) > 1
