-- grain: one row per activity pair of the temporal profile (source_activity, target_activity)
-- The temporal profile (pm_temporal_profile, discovered on a sample of the cases) with, over
-- every case of the event log, how many cases have the pair and how many of them deviate
-- (pm_temporal_deviations). A case has the pair (a, b) when some event of b comes after some
-- event of a by the ordering rule, i.e. when its first a comes before its last b: one row per
-- case and activity is enough, not every pair of events.
with sequenced as (

    select
        case_id,
        step_number,
        activity_number
    from {{ ref('int_event_log_sequenced') }}

),

activities as (

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

),

profile as (

    select * from {{ ref('pm_temporal_profile') }}

),

profile_pairs as (

    -- the profile's activity pairs as the numbers int_event_log_sequenced carries
    select
        profile.source_activity,
        profile.target_activity,
        source_activity.activity_number as source_activity_number,
        target_activity.activity_number as target_activity_number
    from profile
    inner join activities as source_activity
        on profile.source_activity = source_activity.activity_code
    inner join activities as target_activity
        on profile.target_activity = target_activity.activity_code

),

deviations as (

    select
        source_activity,
        target_activity,
        count(*) as cases_deviating
    from {{ ref('pm_temporal_deviations') }}
    group by source_activity, target_activity

),

case_activities as (

    select
        case_id,
        activity_number,
        min(step_number) as first_step,
        max(step_number) as last_step
    from sequenced
    group by case_id, activity_number

),

observed_pairs as (

    -- every ordered activity pair of every case, counted by pair numbers first: joined with the
    -- profile's pairs before counting, the planner matched each case's activities with every
    -- profile pair that ends in them (94 M rows on 1 M invoices) and took twice the time
    select
        source_activity.activity_number as source_activity_number,
        target_activity.activity_number as target_activity_number,
        count(*) as cases_observed
    from case_activities as source_activity
    inner join case_activities as target_activity
        on
            source_activity.case_id = target_activity.case_id
            and source_activity.first_step < target_activity.last_step
    group by source_activity.activity_number, target_activity.activity_number

),

observed as (

    select
        profile_pairs.source_activity,
        profile_pairs.target_activity,
        observed_pairs.cases_observed
    from observed_pairs
    inner join profile_pairs
        on
            observed_pairs.source_activity_number = profile_pairs.source_activity_number
            and observed_pairs.target_activity_number = profile_pairs.target_activity_number

),

final as (

    select
        profile.source_activity,
        profile.target_activity,
        cast(profile.mean_seconds as {{ dbt.type_numeric() }}) as mean_seconds,
        cast(profile.stdev_seconds as {{ dbt.type_numeric() }}) as stdev_seconds,
        cast(profile.mean_days as {{ dbt.type_numeric() }}) as mean_days,
        cast(profile.stdev_days as {{ dbt.type_numeric() }}) as stdev_days,
        cast(profile.zeta as {{ dbt.type_numeric() }}) as zeta,
        cast(profile.cases_observed as {{ dbt.type_bigint() }}) as cases_observed_in_sample,
        cast(profile.cases_in_sample as {{ dbt.type_bigint() }}) as cases_in_sample,
        cast(coalesce(observed.cases_observed, 0) as {{ dbt.type_bigint() }}) as cases_observed,
        cast(coalesce(deviations.cases_deviating, 0) as {{ dbt.type_bigint() }}) as cases_deviating,
        cast(
            case
                when coalesce(observed.cases_observed, 0) > 0
                    then 1.0 * coalesce(deviations.cases_deviating, 0) / observed.cases_observed
                else 0
            end as {{ dbt.type_numeric() }}
        ) as deviating_case_share,
        cast(profile.cases_in_log as {{ dbt.type_bigint() }}) as cases_in_log
    from profile
    left join observed
        on
            profile.source_activity = observed.source_activity
            and profile.target_activity = observed.target_activity
    left join deviations
        on
            profile.source_activity = deviations.source_activity
            and profile.target_activity = deviations.target_activity

)

select * from final
