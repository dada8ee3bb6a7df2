-- grain: one row per expectation of a suite and run of `c2c quality` (run_id, suite_name, expectation_id)
-- The stored Great Expectations results with, per expectation, the change of its failing
-- count since the previous run that evaluated it, and whether the run passed its gate: what
-- the quality marts (results, runs) read.
with results as (

    select * from {{ ref('stg_quality__dq_validation_results') }}

),

with_history as (

    select
        results.*,
        lag(results.unexpected_count) over (
            partition by results.suite_name, results.expectation_id
            order by results.run_at, results.run_id
        ) as previous_unexpected_count,
        max(case when results.severity = 'critical' and results.status = 'failed' then 1 else 0 end) over (
            partition by results.run_id
        ) as run_critical_failures
    from results

),

final as (

    select
        run_id,
        suite_name,
        expectation_id,
        run_at,
        cast(run_at as date) as run_date,
        stage,
        table_name,
        expectation_type,
        column_name,
        rule_description,
        severity,
        status,
        is_success,
        severity = 'critical' and status = 'failed' as is_critical_failure,
        run_critical_failures = 0 as is_run_passed,
        element_count,
        unexpected_count,
        case
            when element_count > 0
                then cast(
                    cast(unexpected_count as {{ dbt.type_numeric() }}) / element_count
                    as {{ dbt.type_numeric() }}
                )
        end as unexpected_share,
        unexpected_count - previous_unexpected_count as unexpected_count_change,
        batch_count,
        failing_batch_count,
        failing_batches,
        message,
        dbt_invocation_id,
        landing_zone_fingerprint
    from with_history

)

select * from final
