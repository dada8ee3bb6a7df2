-- grain: one row per current record of d365.ledgerjournaltable (company, recid); rows that cannot be used carry a quarantine_reason
with source as (

    select * from {{ source('d365', 'ledgerjournaltable') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ normalise_company('dataareaid') }}, recid
            order by versionnumber desc, sinkmodifiedon desc, coalesce(isdelete, 0) desc
        ) as version_rank
    from source

),

current_rows as (

    -- the latest version of each record, unless it is a deletion; rows without a key
    -- are kept as they are so that they reach the quarantine
    select * from ranked
    where (recid is null or dataareaid is null) or (version_rank = 1 and coalesce(isdelete, 0) <> 1)

),

typed as (

    select
        cast(recid as {{ dbt.type_string() }}) as source_record_id,
        {{ normalise_company('dataareaid') }} as company_code,
        {{ safe_cast('recid', dbt.type_bigint()) }} as recid,
        nullif(trim(journalnum), '') as journalnum,
        {{ safe_cast('journaltype', dbt.type_int()) }} as journaltype,
        {{ safe_cast('posted', dbt.type_int()) }} as posted,
        {{ d365_timestamp('posteddatetime') }} as posteddatetime,
        {{ d365_timestamp('createddatetime') }} as createddatetime,
        nullif(trim(createdby), '') as createdby,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        (
            (recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null)
            or (journaltype is not null and {{ safe_cast('journaltype', dbt.type_int()) }} is null)
            or (posted is not null and {{ safe_cast('posted', dbt.type_int()) }} is null)
            or (posteddatetime is not null and {{ safe_cast('posteddatetime', dbt.type_timestamp()) }} is null)
            or (createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null)
        ) as has_unparseable_value,
        case
            when recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null then 'recid'
            when journaltype is not null and {{ safe_cast('journaltype', dbt.type_int()) }} is null then 'journaltype'
            when posted is not null and {{ safe_cast('posted', dbt.type_int()) }} is null then 'posted'
            when posteddatetime is not null and {{ safe_cast('posteddatetime', dbt.type_timestamp()) }} is null then 'posteddatetime'
            when createddatetime is not null and {{ safe_cast('createddatetime', dbt.type_timestamp()) }} is null then 'createddatetime'
        end as unparseable_column
    from current_rows

),

checked as (

    select
        typed.*,
        case
            when typed.recid is null or typed.company_code is null or typed.journalnum is null then 'MISSING_KEY'
            when typed.has_unparseable_value then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when typed.recid is null or typed.company_code is null or typed.journalnum is null then case when typed.recid is null then 'recid is missing' when typed.company_code is null then 'company_code is missing' when typed.journalnum is null then 'journalnum is missing' end
            when typed.has_unparseable_value then typed.unparseable_column || ' does not convert to its contract type'
        end as quarantine_detail
    from typed


)

select * from checked
