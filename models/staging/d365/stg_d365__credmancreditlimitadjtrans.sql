-- grain: one row per current, usable credit limit adjustment line (company, recid)
with base as (

    select * from {{ ref('base_d365__credmancreditlimitadjtrans') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.journalid,
        base.linenum,
        base.custaccount,
        base.creditmax,
        base.creditmaxnew,
        base.fromdate,
        base.createddatetime,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
