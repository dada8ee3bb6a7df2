-- grain: one row per expectation of a suite and run of `c2c quality` (run_id, suite_name, expectation_id)
-- The stored Great Expectations results with the trend of each expectation's failing count:
-- the data-quality record next to the process KPIs (logic in int_dq_results_trended).
with results as (

    select * from {{ ref('int_dq_results_trended') }}

),

final as (

    select
        run_id,
        suite_name,
        expectation_id,
        run_at,
        run_date,
        stage,
        table_name,
        expectation_type,
        column_name,
        rule_description,
        severity,
        status,
        is_success,
        is_critical_failure,
        is_run_passed,
        element_count,
        unexpected_count,
        unexpected_share,
        unexpected_count_change,
        batch_count,
        failing_batch_count,
        failing_batches,
        message,
        dbt_invocation_id,
        landing_zone_fingerprint
    from results

)

select * from final
