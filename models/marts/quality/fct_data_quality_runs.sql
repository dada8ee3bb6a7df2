-- grain: one row per run of `c2c quality` and stage (run_id, stage)
-- What each run of the quality suites found: suites and expectations evaluated, critical
-- failures, warnings, skipped suites, whether the run passed its gate, and what it checked: the
-- dbt invocation of the build (marts) and the landing-zone fingerprint (one value per run and stage).
with results as (

    select * from {{ ref('int_dq_results_trended') }}

),

final as (

    select
        run_id,
        stage,
        min(run_at) as run_at,
        min(run_date) as run_date,
        min(dbt_invocation_id) as dbt_invocation_id,
        min(landing_zone_fingerprint) as landing_zone_fingerprint,
        count(distinct suite_name) as suite_count,
        count(distinct case when status = 'skipped' then suite_name end) as skipped_suite_count,
        cast(sum(case when status in ('passed', 'failed') then 1 else 0 end) as {{ dbt.type_bigint() }})
            as expectation_count,
        cast(sum(case when is_critical_failure then 1 else 0 end) as {{ dbt.type_bigint() }})
            as critical_failure_count,
        cast(sum(case when severity = 'warning' and status = 'failed' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as warning_count,
        cast(sum(case when status = 'failed' then unexpected_count else 0 end) as {{ dbt.type_bigint() }})
            as unexpected_row_count,
        sum(case when is_critical_failure then 1 else 0 end) = 0 as is_passed
    from results
    group by run_id, stage

)

select * from final
