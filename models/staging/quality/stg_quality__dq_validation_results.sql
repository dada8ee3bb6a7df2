-- grain: one row per expectation of a suite and run of `c2c quality` (run_id, suite_name, expectation_id)
-- The results table exists once `c2c quality` has stored a run. Until then this view is
-- empty, with the same columns and types, so the quality marts build with zero rows. A table
-- stored by an earlier version of `c2c quality` lacks the run stamp columns: NULL there.
{%- set results = source('quality', 'dq_validation_results') -%}
{%- set stored = adapter.get_relation(
    database=results.database, schema=results.schema, identifier=results.identifier) if execute else none %}
{%- set stored_columns = adapter.get_columns_in_relation(stored) | map(attribute='name') | map('lower') | list
    if stored is not none else [] %}

with source as (

    {% if stored is not none -%}
    select
        run_id,
        run_at,
        stage,
        suite_name,
        table_name,
        expectation_id,
        expectation_type,
        column_name,
        rule,
        severity,
        status,
        success,
        element_count,
        unexpected_count,
        unexpected_percent,
        observed_value,
        batch_count,
        failing_batch_count,
        failing_batches,
        message,
        {% for stamp in ['dbt_invocation_id', 'landing_zone_fingerprint'] -%}
        {{ stamp if stamp in stored_columns else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as {{ stamp }}
        {{- ',' if not loop.last }}
        {% endfor -%}
    from {{ results }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_timestamp() }}) as run_at,
        cast(null as {{ dbt.type_string() }}) as stage,
        cast(null as {{ dbt.type_string() }}) as suite_name,
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_string() }}) as expectation_id,
        cast(null as {{ dbt.type_string() }}) as expectation_type,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as rule,
        cast(null as {{ dbt.type_string() }}) as severity,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_boolean() }}) as success,
        cast(null as {{ dbt.type_bigint() }}) as element_count,
        cast(null as {{ dbt.type_bigint() }}) as unexpected_count,
        cast(null as {{ dbt.type_numeric() }}) as unexpected_percent,
        cast(null as {{ dbt.type_string() }}) as observed_value,
        cast(null as {{ dbt.type_int() }}) as batch_count,
        cast(null as {{ dbt.type_int() }}) as failing_batch_count,
        cast(null as {{ dbt.type_string() }}) as failing_batches,
        cast(null as {{ dbt.type_string() }}) as message,
        cast(null as {{ dbt.type_string() }}) as dbt_invocation_id,
        cast(null as {{ dbt.type_string() }}) as landing_zone_fingerprint
    where 1 = 0
    {%- endif %}

),

renamed as (

    select
        cast(run_id as {{ dbt.type_string() }}) as run_id,
        cast(suite_name as {{ dbt.type_string() }}) as suite_name,
        cast(coalesce(expectation_id, 'suite') as {{ dbt.type_string() }}) as expectation_id,
        cast(run_at as {{ dbt.type_timestamp() }}) as run_at,
        cast(stage as {{ dbt.type_string() }}) as stage,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(expectation_type as {{ dbt.type_string() }}) as expectation_type,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(rule as {{ dbt.type_string() }}) as rule_description,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(success as {{ dbt.type_boolean() }}) as is_success,
        cast(element_count as {{ dbt.type_bigint() }}) as element_count,
        cast(unexpected_count as {{ dbt.type_bigint() }}) as unexpected_count,
        cast(unexpected_percent as {{ dbt.type_numeric() }}) as unexpected_percent,
        cast(observed_value as {{ dbt.type_string() }}) as observed_value,
        cast(batch_count as {{ dbt.type_int() }}) as batch_count,
        cast(failing_batch_count as {{ dbt.type_int() }}) as failing_batch_count,
        cast(failing_batches as {{ dbt.type_string() }}) as failing_batches,
        cast(message as {{ dbt.type_string() }}) as message,
        cast(dbt_invocation_id as {{ dbt.type_string() }}) as dbt_invocation_id,
        cast(landing_zone_fingerprint as {{ dbt.type_string() }}) as landing_zone_fingerprint
    from source

)

select * from renamed
