-- grain: one row per current record of d365.custcollectionlettertrans (company, recid); rows that cannot be used carry a quarantine_reason
with source as (

    select * from {{ source('d365', 'custcollectionlettertrans') }}

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
        nullif(trim(collectionletternum), '') as collectionletternum,
        {{ safe_cast('custtransid', dbt.type_bigint()) }} as custtransid,
        nullif(trim(invoice), '') as invoice,
        {{ safe_cast('collectionlettercode', dbt.type_int()) }} as collectionlettercode,
        {{ d365_date('duedate') }} as duedate,
        {{ safe_cast('remainamount', dbt.type_numeric()) }} as remainamount,
        {{ d365_date('transdate') }} as transdate,
        {{ d365_timestamp('sinkmodifiedon') }} as lake_modified_at,
        versionnumber as lake_version_number,
        (
            (recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null)
            or (custtransid is not null and {{ safe_cast('custtransid', dbt.type_bigint()) }} is null)
            or (collectionlettercode is not null and {{ safe_cast('collectionlettercode', dbt.type_int()) }} is null)
            or (remainamount is not null and {{ safe_cast('remainamount', dbt.type_numeric()) }} is null)
            or (duedate is not null and {{ safe_cast('duedate', 'date') }} is null)
            or (transdate is not null and {{ safe_cast('transdate', 'date') }} is null)
        ) as has_unparseable_value,
        case
            when recid is not null and {{ safe_cast('recid', dbt.type_bigint()) }} is null then 'recid'
            when custtransid is not null and {{ safe_cast('custtransid', dbt.type_bigint()) }} is null then 'custtransid'
            when collectionlettercode is not null and {{ safe_cast('collectionlettercode', dbt.type_int()) }} is null then 'collectionlettercode'
            when remainamount is not null and {{ safe_cast('remainamount', dbt.type_numeric()) }} is null then 'remainamount'
            when duedate is not null and {{ safe_cast('duedate', 'date') }} is null then 'duedate'
            when transdate is not null and {{ safe_cast('transdate', 'date') }} is null then 'transdate'
        end as unparseable_column
    from current_rows

),

ref_custtransid as (

    select distinct company_code, recid as ref_key
    from {{ ref('base_d365__custtrans') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        case
            when typed.recid is null or typed.company_code is null or typed.collectionletternum is null then 'MISSING_KEY'
            when typed.has_unparseable_value then 'UNPARSEABLE_VALUE'
            when typed.custtransid is not null and ref_custtransid.ref_key is null then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when typed.recid is null or typed.company_code is null or typed.collectionletternum is null then case when typed.recid is null then 'recid is missing' when typed.company_code is null then 'company_code is missing' when typed.collectionletternum is null then 'collectionletternum is missing' end
            when typed.has_unparseable_value then typed.unparseable_column || ' does not convert to its contract type'
            when typed.custtransid is not null and ref_custtransid.ref_key is null then 'custtransid ' || cast(typed.custtransid as {{ dbt.type_string() }}) || ' matches no current custtrans.recid (customer transaction)'
        end as quarantine_detail
    from typed
    left join ref_custtransid
        on ref_custtransid.ref_key = typed.custtransid and ref_custtransid.company_code = typed.company_code

)

select * from checked
