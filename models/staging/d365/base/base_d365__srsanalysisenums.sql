-- grain: one row per exported enum item and language; empty when the landing zone has no srsanalysisenums
{{ config(materialized='table') }}
{%- set has_export = landing_table_exists('d365', 'srsanalysisenums', 'parquet') %}
{% if has_export %}
with source as (

    select * from {{ source('d365', 'srsanalysisenums') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by enumname, enumitemvalue, languageid
            order by versionnumber desc, sinkmodifiedon desc, coalesce(isdelete, 0) desc
        ) as version_rank
    from source

),

typed as (

    select
        coalesce(enumname, '') || ':' || coalesce(cast(enumitemvalue as {{ dbt.type_string() }}), '') || ':'
        || coalesce(languageid, '') as source_record_id,
        nullif(trim(enumname), '') as enumname,
        {{ safe_cast('enumitemvalue', dbt.type_int()) }} as enumitemvalue,
        nullif(trim(enumitemname), '') as enumitemname,
        nullif(trim(enumitemlabel), '') as enumitemlabel,
        nullif(trim(languageid), '') as languageid,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number
    from ranked
    where (enumname is null or enumitemvalue is null) or (version_rank = 1 and coalesce(isdelete, 0) <> 1)

),
{% else %}
with typed as (

    select
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_string() }}) as enumname,
        cast(null as {{ dbt.type_int() }}) as enumitemvalue,
        cast(null as {{ dbt.type_string() }}) as enumitemname,
        cast(null as {{ dbt.type_string() }}) as enumitemlabel,
        cast(null as {{ dbt.type_string() }}) as languageid,
        cast(null as {{ dbt.type_timestamp() }}) as lake_modified_at,
        cast(null as {{ dbt.type_bigint() }}) as lake_version_number
    where 1 = 0

),
{% endif %}

checked as (

    select
        typed.*,
        case when typed.enumname is null or typed.enumitemvalue is null then 'MISSING_KEY' end as quarantine_reason,
        case
            when typed.enumname is null then 'enumname is missing'
            when typed.enumitemvalue is null then 'enumitemvalue is missing'
        end as quarantine_detail
    from typed

)

select * from checked
