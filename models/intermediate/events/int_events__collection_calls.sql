-- grain: one row per collector call about an invoice
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

hr_activities as (

    select * from {{ ref('stg_highradius__hr_collection_activity') }}
    where activity_type = 'CALL' and invoice_number is not null

),

d365_calls as (

    select * from {{ ref('stg_d365__smmactivities') }}
    -- a call activity still open (closed = No) is planned, not made: not an event
    where typeid = 'Call' and closed_name = 'Yes'

),

d365_links as (

    select * from {{ ref('stg_d365__custcollectionslinkactivitiescusttrans') }}

),

from_highradius as (

    select
        invoices.case_id,
        'COLLECTION_CALL_MADE' as activity_code,
        hr_activities.created_at as event_timestamp,
        hr_activities.collector_id as resource,
        'collector' as resource_type,
        'highradius' as source_system,
        'hr_collection_activity' as source_table,
        hr_activities.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        hr_activities.outcome_code as reason_code
    from hr_activities
    inner join invoices
        on
            hr_activities.company_code = invoices.company_code
            and hr_activities.invoice_number = invoices.invoice_id
    where invoices.collections_system = 'HIGHRADIUS'

),

from_d365 as (

    select
        invoices.case_id,
        'COLLECTION_CALL_MADE' as activity_code,
        d365_calls.startdatetime as event_timestamp,
        d365_calls.createdby as resource,
        'collector' as resource_type,
        'd365' as source_system,
        'smmactivities' as source_table,
        d365_calls.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        d365_calls.purpose as reason_code
    from d365_calls
    inner join d365_links
        on
            d365_calls.company_code = d365_links.company_code
            and d365_calls.recid = d365_links.primaryrecid
    inner join invoices
        on
            d365_links.company_code = invoices.company_code
            and d365_links.refrecid = invoices.custtrans_recid
    where invoices.collections_system = 'D365'

)

select * from from_highradius
union all
select * from from_d365
