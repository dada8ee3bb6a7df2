-- grain: one row per case and activity pair whose time deviates (case_id, source_activity, target_activity)
-- Every case of the event log checked against the temporal profile (pm_temporal_profile,
-- discovered by pm4py on a sample of the cases), by the rule of pm4py's temporal-profile
-- conformance: for every event and every later event of the same case by the ordering rule
-- (step_number of int_event_log_sequenced; an activity with a later occurrence of itself
-- included), whose activity pair is in the profile, the seconds between them deviate when they
-- are below mean - zeta * stdev or above mean + zeta * stdev (strictly). A pair that occurs
-- several times in a case gives one row: its occurrence farthest from the mean, and how many
-- occurrences deviate.
with sequenced as (

    select
        case_id,
        step_number,
        activity_number,
        event_timestamp
    from {{ ref('int_event_log_sequenced') }}

),

activities as (

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

),

profile as (

    -- the profile's activities as the numbers int_event_log_sequenced carries
    select
        temporal_profile.source_activity,
        temporal_profile.target_activity,
        source_activity.activity_number as source_activity_number,
        target_activity.activity_number as target_activity_number,
        temporal_profile.mean_seconds,
        temporal_profile.stdev_seconds,
        temporal_profile.zeta,
        temporal_profile.mean_seconds - temporal_profile.zeta * temporal_profile.stdev_seconds as lower_seconds,
        temporal_profile.mean_seconds + temporal_profile.zeta * temporal_profile.stdev_seconds as upper_seconds
    from {{ ref('pm_temporal_profile') }} as temporal_profile
    inner join activities as source_activity
        on temporal_profile.source_activity = source_activity.activity_code
    inner join activities as target_activity
        on temporal_profile.target_activity = target_activity.activity_code

),

profiled_sources as (

    -- only events whose activity starts a pair of the profile can deviate
    select sequenced.*
    from sequenced
    where sequenced.activity_number in (select profile.source_activity_number from profile)

),

deviating_pairs as (

    -- one pass over the ordered event pairs of every case: time between them, checked at once
    select
        source_event.case_id,
        profile.source_activity,
        profile.target_activity,
        profile.mean_seconds,
        profile.stdev_seconds,
        profile.zeta,
        {{ seconds_between('source_event.event_timestamp', 'target_event.event_timestamp') }} as observed_seconds
    from profiled_sources as source_event
    inner join sequenced as target_event
        on
            source_event.case_id = target_event.case_id
            and source_event.step_number < target_event.step_number
    inner join profile
        on
            source_event.activity_number = profile.source_activity_number
            and target_event.activity_number = profile.target_activity_number
    where
        {{ seconds_between('source_event.event_timestamp', 'target_event.event_timestamp') }}
        < profile.lower_seconds
        or {{ seconds_between('source_event.event_timestamp', 'target_event.event_timestamp') }}
        > profile.upper_seconds

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_id, source_activity, target_activity
            order by abs(observed_seconds - mean_seconds) desc, observed_seconds desc
        ) as deviation_rank,
        count(*) over (partition by case_id, source_activity, target_activity) as occurrences
    from deviating_pairs

),

final as (

    select
        case_id,
        source_activity,
        target_activity,
        cast(observed_seconds as {{ dbt.type_numeric() }}) as observed_seconds,
        cast(mean_seconds as {{ dbt.type_numeric() }}) as mean_seconds,
        cast(stdev_seconds as {{ dbt.type_numeric() }}) as stdev_seconds,
        cast(
            case
                when stdev_seconds > 0 then abs(observed_seconds - mean_seconds) / stdev_seconds
            end as {{ dbt.type_numeric() }}
        ) as zeta_score,
        observed_seconds > mean_seconds as is_slower,
        cast(occurrences as {{ dbt.type_bigint() }}) as occurrences,
        cast(zeta as {{ dbt.type_numeric() }}) as zeta
    from ranked
    where deviation_rank = 1

)

select * from final
