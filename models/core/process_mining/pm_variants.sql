-- grain: one row per variant (variant_id): a distinct activity sequence of the event log
-- Variants with their frequency, rank, throughput times (first to last event of the case, as
-- pm4py's case duration) and outcome mix.
with case_variants as (

    select * from {{ ref('int_case_variants') }}

),

variant_steps as (

    select * from {{ ref('pm_variant_steps') }}

),

variant_facts as (

    select
        variant_id,
        count(*) as case_count,
        min(activity_count) as activity_count,
        avg(throughput_days) as mean_throughput_days,
        {{ continuous_percentile('throughput_days', 0.5) }} as median_throughput_days,
        {{ continuous_percentile('throughput_days', 0.9) }} as p90_throughput_days,
        sum(case when outcome = 'settled' then 1 else 0 end) as cases_settled,
        sum(case when outcome = 'written off' then 1 else 0 end) as cases_written_off,
        sum(case when outcome = 'open' then 1 else 0 end) as cases_open,
        min(case_id) as example_case_id
    from case_variants
    group by variant_id

),

variant_sequences as (

    select
        variant_id,
        {{ dbt.listagg('activity_code', "' > '", 'order by step_number') }} as variant_activities
    from variant_steps
    group by variant_id

),

ranked as (

    select
        variant_facts.*,
        row_number() over (order by variant_facts.case_count desc, variant_facts.variant_id asc) as variant_rank,
        sum(variant_facts.case_count) over () as total_case_count
    from variant_facts

),

final as (

    select
        ranked.variant_id,
        variant_sequences.variant_activities,
        cast(ranked.activity_count as {{ dbt.type_int() }}) as activity_count,
        cast(ranked.case_count as {{ dbt.type_bigint() }}) as case_count,
        cast(ranked.case_count * 1.0 / ranked.total_case_count as {{ dbt.type_numeric() }}) as case_share,
        cast(
            sum(ranked.case_count) over (order by ranked.variant_rank rows between unbounded preceding and current row)
            * 1.0 / ranked.total_case_count
            as {{ dbt.type_numeric() }}
        ) as cumulative_share,
        cast(ranked.variant_rank as {{ dbt.type_int() }}) as variant_rank,
        cast(ranked.mean_throughput_days as {{ dbt.type_numeric() }}) as mean_throughput_days,
        cast(ranked.median_throughput_days as {{ dbt.type_numeric() }}) as median_throughput_days,
        cast(ranked.p90_throughput_days as {{ dbt.type_numeric() }}) as p90_throughput_days,
        cast(ranked.cases_settled as {{ dbt.type_bigint() }}) as cases_settled,
        cast(ranked.cases_written_off as {{ dbt.type_bigint() }}) as cases_written_off,
        cast(ranked.cases_open as {{ dbt.type_bigint() }}) as cases_open,
        ranked.example_case_id
    from ranked
    inner join variant_sequences
        on ranked.variant_id = variant_sequences.variant_id

)

select * from final
