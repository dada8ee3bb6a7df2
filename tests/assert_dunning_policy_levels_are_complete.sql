{{ config(group='collections') }}
-- Every dunning policy version (per company, segment and validity period) has levels
-- 1, 2, ... n without gaps, and exactly one final level, which is its highest level.
-- Fails with one row per broken policy version.

with policy_levels as (
    select
        policy_id,
        policy_version,
        company_code,
        customer_segment,
        valid_from,
        count(distinct dunning_level) as level_count,
        min(dunning_level) as first_level,
        max(dunning_level) as last_level,
        sum(case when is_final_level then 1 else 0 end) as final_level_count,
        max(case when is_final_level then dunning_level end) as final_level
    from {{ ref('dunning_policy') }}
    group by policy_id, policy_version, company_code, customer_segment, valid_from
)

select *
from policy_levels
where
    first_level <> 1
    or last_level <> level_count
    or final_level_count <> 1
    or final_level <> last_level
