{{ config(group='process_mining') }}
-- The variants account for the event log: their cases add up to the cases of event_log and
-- their cases times their length to its events; each variant's steps are numbered 1..n with n
-- its activity_count. Fails with one row per problem.
with variants as (

    select * from {{ ref('pm_variants') }}

),

steps as (

    select
        variant_id,
        count(*) as step_count,
        min(step_number) as first_step,
        max(step_number) as last_step
    from {{ ref('pm_variant_steps') }}
    group by variant_id

),

log_totals as (

    select
        count(*) as event_count,
        count(distinct case_id) as case_count
    from {{ ref('event_log') }}

),

variant_totals as (

    select
        sum(case_count) as case_count,
        sum(case_count * activity_count) as event_count
    from variants

),

total_problems as (

    select
        'totals' as variant_id,
        'cases ' || cast(variant_totals.case_count as {{ dbt.type_string() }})
        || ' / events ' || cast(variant_totals.event_count as {{ dbt.type_string() }})
        || ' in the variants, cases ' || cast(log_totals.case_count as {{ dbt.type_string() }})
        || ' / events ' || cast(log_totals.event_count as {{ dbt.type_string() }}) || ' in event_log' as problem
    from variant_totals
    cross join log_totals
    where
        variant_totals.case_count <> log_totals.case_count
        or variant_totals.event_count <> log_totals.event_count

),

step_problems as (

    select
        variants.variant_id,
        'steps do not run 1..activity_count' as problem
    from variants
    left join steps
        on variants.variant_id = steps.variant_id
    where
        steps.variant_id is null
        or steps.first_step <> 1
        or steps.last_step <> variants.activity_count
        or steps.step_count <> variants.activity_count

)

select * from total_problems
union all
select * from step_problems
