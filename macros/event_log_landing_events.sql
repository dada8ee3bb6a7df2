{#- event_log's events from the landing zone, as the CTEs <prefix>invoices … <prefix>final_columns
    of event_log's query, which defines catalogue, as_of and resource_roles before them (and
    changed_cases, with only_changed). emitters: the event emitter models (union all); event_key:
    the expression of the event id over all_events. only_changed: only the cases in changed_cases,
    every emitter's rows and the invoices filtered by it, so an incremental run computes the
    events of the changed cases without computing every event a second time. -#}
{% macro event_log_landing_events(prefix, only_changed, emitters, event_key) -%}
{%- set changed_only -%}
    {%- if only_changed %}
    where case_id in (select changed_cases.case_id from changed_cases)
    {%- endif -%}
{%- endset %}

{{ prefix }}invoices as (

    select
        case_id,
        company_code,
        invoice_id,
        customer_id,
        due_date,
        source_record_id,
        currency
    from {{ ref('int_invoices_identified') }}
    {{- changed_only }}

),

{{ prefix }}source_events as (

    {%- for emitter in emitters %}
    select * from {{ ref(emitter) }}
    {{- changed_only }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

{{ prefix }}closed as (

    -- the closing events come from int_events__closure; read from it, so that the events above
    -- are read once
    select
        case_id,
        min(event_timestamp) as closed_at
    from {{ ref('int_events__closure') }}
    where
        activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF')
        {%- if only_changed %}
        and case_id in (select changed_cases.case_id from changed_cases)
        {%- endif %}
    group by case_id

),

{{ prefix }}due_date_passed as (

    -- derived: 00:00 UTC of the day after the due date, if the invoice was still open then
    select
        invoices.case_id,
        'DUE_DATE_PASSED' as activity_code,
        cast({{ dbt.dateadd('day', 1, 'invoices.due_date') }} as {{ dbt.type_timestamp() }}) as event_timestamp,
        'system' as resource,
        'system' as resource_type,
        'derived' as source_system,
        'custinvoicejour' as source_table,
        invoices.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from {{ prefix }}invoices as invoices
    cross join as_of
    left join {{ prefix }}closed as closed
        on invoices.case_id = closed.case_id
    where
        invoices.due_date is not null
        and {{ dbt.dateadd('day', 1, 'invoices.due_date') }} <= as_of.as_of_date
        and (
            closed.closed_at is null
            or closed.closed_at > cast({{ dbt.dateadd('day', 1, 'invoices.due_date') }} as {{ dbt.type_timestamp() }})
        )

),

{{ prefix }}all_events as (

    select * from {{ prefix }}source_events
    where event_timestamp is not null
    union all
    select * from {{ prefix }}due_date_passed

),

{{ prefix }}final_columns as (

    select
        {{ dbt.hash(event_key) }} as event_id,
        all_events.case_id,
        invoices.company_code,
        invoices.invoice_id,
        {{ pseudonymise('invoices.customer_id', 'customer') }} as customer_id,
        catalogue.label_en as activity,
        all_events.activity_code,
        catalogue.activity_order,
        cast(all_events.event_timestamp as {{ dbt.type_timestamp() }}) as event_timestamp,
        case
            when all_events.resource_type = 'system' then all_events.resource
            else {{ pseudonymise('all_events.resource', 'worker') }}
        end as resource,
        case
            when all_events.resource_type = 'system' then 'system'
            else coalesce(resource_roles.resource_type, all_events.resource_type)
        end as resource_type,
        all_events.source_system,
        all_events.source_table,
        all_events.source_record_id,
        all_events.dunning_level,
        cast(all_events.amount as {{ dbt.type_numeric() }}) as amount,
        all_events.currency,
        all_events.reason_code,
        catalogue.label_fr as activity_fr
    from {{ prefix }}all_events as all_events
    inner join {{ prefix }}invoices as invoices
        on all_events.case_id = invoices.case_id
    inner join catalogue
        on all_events.activity_code = catalogue.activity_code
    left join resource_roles
        on all_events.resource = resource_roles.resource

)
{%- endmacro %}
