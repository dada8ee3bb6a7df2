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
{%- set emitters = ['int_events__invoices', 'int_events__credit_limits', 'int_events__dunning',
    'int_events__collection_calls', 'int_events__disputes_and_promises', 'int_events__payments',
    'int_events__closure'] %}
{#- An incremental run on DuckDB computes the events twice: every case, streamed into one
    fingerprint per case, then the changed cases only, with the filter on the emitters' rows.
    Computing them once and reading them twice would hold every event of the log in memory. On
    Spark (partitions written whole) and for a loaded log (a view) one pass is kept. -#}
{%- set two_pass = is_incremental() and not byo and not spark_family %}
{#- The fingerprint of a case covers every column but event_id, the hash of five of the others
    (event_key): the comparison's hashing, with that md5 for every event, took 4.1 s of its 23-26 s
    of CPU on 1 M invoices (docs/benchmarks.md). A loaded log's event_id comes from its file, and
    counts. -#}
{%- set fingerprint_columns = event_log_columns if byo else event_log_columns[1:] %}


with {% if byo -%}

final_columns as (

    select {{ event_log_columns | join(', ') }}
    from {{ ref('stg_byo__event_log') }}

)
{%- else -%}

catalogue as (

    select * from {{ ref('activity_catalogue') }}

),

as_of as (

    -- the date of the latest event of any emitter: their timestamps only, read on their own
    select {{ as_of_date('event_timestamp') }} as as_of_date
    from (
        {%- for emitter in emitters %}
        select event_timestamp from {{ ref(emitter) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as emitted

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
{{ event_log_landing_events('', false, emitters, event_key) }}
{%- endif %}
{% if is_incremental() %}
,

new_fingerprints as (

    select
        case_id,
        count(*) as event_count,
        sum({{ row_fingerprint(fingerprint_columns) }}) as fingerprint
    from final_columns
    group by case_id

),

stored_fingerprints as (

    select
        case_id,
        count(*) as event_count,
        sum({{ row_fingerprint(fingerprint_columns) }}) as fingerprint
    from {{ this }}
    group by case_id

),

changed_cases as (

    -- cases whose freshly computed events differ from the stored ones: compared by count and
    -- a fingerprint of their columns (fingerprint_columns), per case; and stored cases that are gone
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
{%- if two_pass %},
{{ event_log_landing_events('changed_', true, emitters, event_key) }}
{%- endif %}
{% endif %}

{% if two_pass -%}
select * from changed_final_columns
{%- else -%}
select * from final_columns
{%- if is_incremental() %}
{%- if spark_family %}
where company_code in (select changed_companies.company_code from changed_companies)
{%- else %}
where case_id in (select changed_cases.case_id from changed_cases)
{%- endif %}
{%- endif %}
{%- endif %}
