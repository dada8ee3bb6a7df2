-- grain: one row per build (dbt_invocation_id)
-- The run stamp every output an auditor may file carries (the report, the audit pack, the
-- share copy): which build, on which landing zone, as of which date, from which code.
-- A build of a loaded log (var event_log_source = byo, `c2c byo-log`) has no cases: its as-of
-- date is taken from event_log the way cases takes it (the var as_of_date, else the latest event).
{%- if var('event_log_source', 'landing') == 'byo' %}
with as_of as (

    select {{ as_of_date('event_timestamp') }} as as_of_date
    from {{ ref('event_log') }}

),
{%- else %}
with cases as (

    select * from {{ ref('cases') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from cases

),
{%- endif %}

landing_zone_fingerprint_files as (

    {%- if var('event_log_source', 'landing') == 'byo' %}
    -- a loaded log reads no landing zone: no file is fingerprinted, whatever raw_root holds
    select
        cast(null as {{ dbt.type_string() }}) as relative_path,
        cast(null as {{ dbt.type_string() }}) as file_sha256
    where 1 = 0
    {%- else %}
    {{ landing_zone_fingerprint_files() }}
    {%- endif %}

),

fingerprint as (

    select
        count(*) as landing_file_count,
        {{ landing_zone_fingerprint_digest() }} as landing_zone_fingerprint
    from landing_zone_fingerprint_files

),

final as (

    select
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as dbt_invocation_id,
        as_of.as_of_date,
        fingerprint.landing_zone_fingerprint,
        cast(fingerprint.landing_file_count as {{ dbt.type_bigint() }}) as landing_file_count,
        cast('{{ env_var("C2C_COMMIT", "unknown") }}' as {{ dbt.type_string() }}) as project_commit,
        cast('{{ project_name }}' as {{ dbt.type_string() }}) as project_name,
        cast('{{ dbt_version }}' as {{ dbt.type_string() }}) as dbt_version,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as built_at
    from as_of
    cross join fingerprint

)

select * from final
