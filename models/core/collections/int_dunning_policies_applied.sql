-- grain: one row per company key, segment key and date a conformance rule judges
-- The dunning-policy version in force (seed dunning_policy) for every company, customer segment
-- and date the conformance rules judge: the date of each dunning letter, each due date and each
-- write-off date, known on the as-of date of `cases`. Among the versions valid that day (bounds
-- inclusive, `*` matching any company or segment, letter case and spaces ignored) the most
-- specific wins: company before segment, then the latest valid_from, then the highest
-- policy_version, then the smallest policy_id. A key with no valid version has no row.
{{ config(materialized='table') }}

with cases as (

    select
        case_id,
        due_date,
        as_of_date,
        upper(trim(company_code)) as policy_company_key,
        coalesce(lower(trim(customer_segment)), '') as policy_segment_key
    from {{ ref('cases') }}

),

event_log as (

    select
        case_id,
        event_timestamp
    from {{ ref('event_log') }}
    where
        (activity_code like 'DUNNING_LETTER_%' and dunning_level is not null)
        or activity_code = 'INVOICE_WRITTEN_OFF'

),

dunning_policy as (

    select * from {{ ref('dunning_policy') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),

-- ---------------------------------------------------------------- the dates judged
-- letter and write-off dates known on the as-of date, and due dates
policy_lookups as (

    select
        cases.policy_company_key,
        cases.policy_segment_key,
        cast(event_log.event_timestamp as date) as reference_date
    from event_log
    inner join cases
        on event_log.case_id = cases.case_id
    cross join as_of
    where cast(event_log.event_timestamp as date) <= as_of.as_of_date

    union

    select
        policy_company_key,
        policy_segment_key,
        due_date as reference_date
    from cases
    where due_date is not null

),

-- ---------------------------------------------------------------- each version's terms
policy_versions as (

    select
        policy_id,
        policy_version,
        company_code,
        customer_segment,
        valid_from,
        max(valid_to) as valid_to,
        min(dunning_level) as first_level,
        max(dunning_level) as last_level,
        min(case when is_final_level then dunning_level end) as final_level
    from dunning_policy
    group by policy_id, policy_version, company_code, customer_segment, valid_from

),

policy_terms as (

    select
        policy_versions.policy_id,
        policy_versions.policy_version,
        policy_versions.company_code,
        policy_versions.customer_segment,
        policy_versions.valid_from,
        policy_versions.valid_to,
        policy_versions.first_level,
        policy_versions.last_level,
        policy_versions.final_level,
        first_row.min_days_after_due as first_min_days_after_due,
        first_row.max_days_after_due as first_max_days_after_due,
        final_row.write_off_min_days_after_final,
        upper(trim(policy_versions.company_code)) as policy_company_key,
        lower(trim(policy_versions.customer_segment)) as policy_segment_key,
        case when trim(policy_versions.company_code) = '*' then 0 else 2 end
        + case when trim(policy_versions.customer_segment) = '*' then 0 else 1 end as specificity
    from policy_versions
    left join dunning_policy as first_row
        on
            policy_versions.policy_id = first_row.policy_id
            and policy_versions.policy_version = first_row.policy_version
            and policy_versions.company_code = first_row.company_code
            and policy_versions.customer_segment = first_row.customer_segment
            and policy_versions.valid_from = first_row.valid_from
            and policy_versions.first_level = first_row.dunning_level
    left join dunning_policy as final_row
        on
            policy_versions.policy_id = final_row.policy_id
            and policy_versions.policy_version = final_row.policy_version
            and policy_versions.company_code = final_row.company_code
            and policy_versions.customer_segment = final_row.customer_segment
            and policy_versions.valid_from = final_row.valid_from
            and policy_versions.final_level = final_row.dunning_level

),

-- ---------------------------------------------------------------- the most specific valid version
policy_candidates as (

    select
        policy_lookups.policy_company_key,
        policy_lookups.policy_segment_key,
        policy_lookups.reference_date,
        policy_terms.policy_id,
        policy_terms.policy_version,
        policy_terms.company_code as policy_company_code,
        policy_terms.customer_segment as policy_customer_segment,
        policy_terms.valid_from as policy_valid_from,
        policy_terms.first_level,
        policy_terms.last_level,
        policy_terms.final_level,
        policy_terms.first_min_days_after_due,
        policy_terms.first_max_days_after_due,
        policy_terms.write_off_min_days_after_final,
        row_number() over (
            partition by
                policy_lookups.policy_company_key,
                policy_lookups.policy_segment_key,
                policy_lookups.reference_date
            order by
                policy_terms.specificity desc,
                policy_terms.valid_from desc,
                policy_terms.policy_version desc,
                policy_terms.policy_id asc
        ) as candidate_rank
    from policy_lookups
    inner join policy_terms
        on
            (
                policy_terms.policy_company_key = '*'
                or policy_lookups.policy_company_key = policy_terms.policy_company_key
            )
            and (
                policy_terms.policy_segment_key = '*'
                or policy_lookups.policy_segment_key = policy_terms.policy_segment_key
            )
            and policy_lookups.reference_date >= policy_terms.valid_from
            and policy_lookups.reference_date <= policy_terms.valid_to

)

select
    policy_company_key,
    policy_segment_key,
    reference_date,
    policy_id,
    policy_version,
    policy_company_code,
    policy_customer_segment,
    policy_valid_from,
    first_level,
    last_level,
    final_level,
    first_min_days_after_due,
    first_max_days_after_due,
    write_off_min_days_after_final
from policy_candidates
where candidate_rank = 1
