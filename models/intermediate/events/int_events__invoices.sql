-- grain: one row per invoice event: creation and posting of each case
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

created as (

    select
        case_id,
        'INVOICE_CREATED' as activity_code,
        invoice_created_at as event_timestamp,
        created_by as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        case when draft_record_id is not null then 'custinvoicetable' else 'custinvoicejour' end as source_table,
        coalesce(draft_record_id, source_record_id) as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        invoice_amount as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from invoices

),

posted as (

    select
        case_id,
        'INVOICE_POSTED' as activity_code,
        invoice_posted_at as event_timestamp,
        created_by as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        'custinvoicejour' as source_table,
        source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        invoice_amount as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from invoices

)

select * from created
union all
select * from posted
