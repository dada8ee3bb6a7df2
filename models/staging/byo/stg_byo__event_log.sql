-- grain: one row per event of a log loaded with `c2c byo-log` (event_index)
-- Built only when the var event_log_source is byo: the loaded log in the columns of event_log.
-- The activity label is also the activity code (and its French label: a loaded log has one language); the position in the file is the
-- activity_order, so events of a case with equal timestamps keep the order of the file (as
-- pm4py does), and event_id (the zero-padded position) sorts the same way. A loaded log has no
-- company or invoice: company_code is BYO and the case id stands for the invoice id.
{{ config(enabled=var('event_log_source', 'landing') == 'byo') }}

with source as (

    select * from {{ source('byo', 'byo_event_log') }}

),

final as (

    select
        'byo:' || lpad(cast(event_index as {{ dbt.type_string() }}), 12, '0') as event_id,
        cast(case_id as {{ dbt.type_string() }}) as case_id,
        'BYO' as company_code,
        cast(case_id as {{ dbt.type_string() }}) as invoice_id,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(activity as {{ dbt.type_string() }}) as activity,
        cast(activity as {{ dbt.type_string() }}) as activity_code,
        cast(event_index as {{ dbt.type_int() }}) as activity_order,
        cast(event_timestamp as {{ dbt.type_timestamp() }}) as event_timestamp,
        {{ pseudonymise('cast(resource as ' ~ dbt.type_string() ~ ')', 'worker') }} as resource,
        cast(null as {{ dbt.type_string() }}) as resource_type,
        'byo' as source_system,
        source_file as source_table,
        cast(event_index as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        cast(activity as {{ dbt.type_string() }}) as activity_fr
    from source

)

select * from final
