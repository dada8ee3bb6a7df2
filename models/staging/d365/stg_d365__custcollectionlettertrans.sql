-- grain: one row per current, usable dunning letter line (company, recid)
with base as (

    select * from {{ ref('base_d365__custcollectionlettertrans') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.collectionletternum,
        base.custtransid,
        base.invoice,
        base.collectionlettercode,
        base.duedate,
        base.remainamount,
        base.transdate,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
