-- grain: one row per event (event_id); one case per customer invoice
{#- Incremental strategy per adapter: DuckDB replaces the changed cases (delete+insert on case_id)
    and a post-hook deletes the cases that are gone; Spark without Delta can only overwrite
    partitions (insert_overwrite on company_code): every company with a changed or vanished case
    is written again in full, and a company left with no case loses its partition (post-hook). -#}
{%- set spark_types = ['spark', 'databricks', 'fabricspark'] %}
{%- set spark_family = target.type in spark_types %}
{{ config(
    materialized='incremental',
    unique_key='case_id',
    incremental_strategy='insert_overwrite' if target.type in spark_types else 'delete+insert',
    partition_by=['company_code'] if spark_family else none,
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() %}{{ event_log_remove_vanished_cases() }}{% endif %}"
    ]
) }}
-- The canonical event log: every activity of the credit-to-cash process, from the credit-limit
-- request to settlement or write-off, in UTC, with lineage to the raw record.
-- Ordering rule everywhere: (case_id, event_timestamp, activity_order, event_id).
-- resource_type says what the person is, from what the data shows them doing (resource_roles),
-- not which table the event came from.
{%- set event_log_columns = ['event_id', 'case_id', 'company_code', 'invoice_id', 'customer_id', 'activity',
    'activity_code', 'activity_order', 'event_timestamp', 'resource', 'resource_type', 'source_system',
    'source_table', 'source_record_id', 'dunning_level', 'amount', 'currency', 'reason_code', 'activity_fr'] %}
{%- set event_key = "all_events.source_system || '|' || all_events.source_table"
    ~ " || '|' || all_events.source_record_id || '|' || all_events.activity_code"
    ~ " || '|' || all_events.case_id" %}
{#- var event_log_source: landing (default) builds the log from the landing zone; byo reads a log
    loaded with `c2c byo-log` (stg_byo__event_log) instead. -#}
{%- set byo = var('event_log_source', 'landing') == 'byo' %}

with {% if byo -%}

final_columns as (

    select {{ event_log_columns | join(', ') }}
    from {{ ref('stg_byo__event_log') }}

)
{%- else -%}

invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

catalogue as (

    select * from {{ ref('activity_catalogue') }}

),

source_events as (

    select * from {{ ref('int_events__invoices') }}
    union all
    select * from {{ ref('int_events__credit_limits') }}
    union all
    select * from {{ ref('int_events__dunning') }}
    union all
    select * from {{ ref('int_events__collection_calls') }}
    union all
    select * from {{ ref('int_events__disputes_and_promises') }}
    union all
    select * from {{ ref('int_events__payments') }}
    union all
    select * from {{ ref('int_events__closure') }}

),

as_of as (

    select {{ as_of_date('event_timestamp') }} as as_of_date
    from source_events

),

closed as (

    select
        case_id,
        min(event_timestamp) as closed_at
    from source_events
    where activity_code in ('INVOICE_SETTLED', 'INVOICE_WRITTEN_OFF')
    group by case_id

),

due_date_passed as (

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
    from invoices
    cross join as_of
    left join closed
        on invoices.case_id = closed.case_id
    where
        invoices.due_date is not null
        and {{ dbt.dateadd('day', 1, 'invoices.due_date') }} <= as_of.as_of_date
        and (
            closed.closed_at is null
            or closed.closed_at > cast({{ dbt.dateadd('day', 1, 'invoices.due_date') }} as {{ dbt.type_timestamp() }})
        )

),

all_events as (

    select * from source_events
    where event_timestamp is not null
    union all
    select * from due_date_passed

),

resource_roles as (

    -- one role per person, the strongest evidence of all their records winning: a collector did
    -- collection work (a collection record names them: a letter, reminder, call, promise, dispute
    -- or credit-limit request), an approver decided credit limits, a manager posted write-offs,
    -- anyone else (invoices, payments, settlements) is a clerk. Each emitter states the role its
    -- record implies; a write-off posted by a collector is a collector's event. Invoices and
    -- payments only ever imply a clerk (the default), so only the other emitters are read, two
    -- columns each: reading all_events a second time would hold every event in memory.
    select
        resource,
        case min(
            case resource_type when 'collector' then 1 when 'approver' then 2 when 'manager' then 3 else 4 end
        )
            when 1 then 'collector'
            when 2 then 'approver'
            when 3 then 'manager'
            else 'clerk'
        end as resource_type
    from (
        {%- for emitter in ['int_events__credit_limits', 'int_events__dunning', 'int_events__collection_calls',
            'int_events__disputes_and_promises', 'int_events__closure'] %}
        select
            resource,
            resource_type
        from {{ ref(emitter) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as role_evidence
    where resource_type <> 'system' and resource is not null
    group by resource

),

final as (

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
    from all_events
    inner join invoices
        on all_events.case_id = invoices.case_id
    inner join catalogue
        on all_events.activity_code = catalogue.activity_code
    left join resource_roles
        on all_events.resource = resource_roles.resource

)
,

final_columns as (

    select
        event_id,
        case_id,
        company_code,
        invoice_id,
        customer_id,
        activity,
        activity_code,
        activity_order,
        event_timestamp,
        resource,
        resource_type,
        source_system,
        source_table,
        source_record_id,
        dunning_level,
        amount,
        currency,
        reason_code,
        activity_fr
    from final

)
{%- endif %}

{% if is_incremental() %}
,

new_fingerprints as (

    select
        case_id,
        count(*) as event_count,
        sum({{ row_fingerprint(event_log_columns) }}) as fingerprint
    from final_columns
    group by case_id

),

stored_fingerprints as (

    select
        case_id,
        count(*) as event_count,
        sum({{ row_fingerprint(event_log_columns) }}) as fingerprint
    from {{ this }}
    group by case_id

),

changed_cases as (

    -- cases whose freshly computed events differ from the stored ones: compared by count and
    -- a fingerprint of every column, per case; and stored cases that are gone
    select new_fingerprints.case_id
    from new_fingerprints
    left join stored_fingerprints
        on new_fingerprints.case_id = stored_fingerprints.case_id
    where
        stored_fingerprints.case_id is null
        or new_fingerprints.event_count <> stored_fingerprints.event_count
        or new_fingerprints.fingerprint <> stored_fingerprints.fingerprint
    {%- if spark_family %}
    union all
    select stored_fingerprints.case_id
    from stored_fingerprints
    left join new_fingerprints
        on stored_fingerprints.case_id = new_fingerprints.case_id
    where new_fingerprints.case_id is null
    {%- endif %}

)
{%- if spark_family %},

changed_companies as (

    -- the partitions to write again: every company of a changed case, before or after
    select final_columns.company_code
    from final_columns
    inner join changed_cases
        on final_columns.case_id = changed_cases.case_id
    union
    select stored.company_code
    from {{ this }} as stored
    inner join changed_cases
        on stored.case_id = changed_cases.case_id

)
{%- endif %}
{% endif %}

select * from final_columns
{% if is_incremental() %}
{%- if spark_family %}
where company_code in (select changed_companies.company_code from changed_companies)
{%- else %}
where case_id in (select changed_cases.case_id from changed_cases)
{%- endif %}
{% endif %}
