-- grain: one row per current, usable settlement side (company, recid)
with base as (

    select * from {{ ref('base_d365__custsettlement') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.transrecid,
        base.offsetrecid,
        base.transdate,
        base.settleamountcur,
        base.settleamountmst,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
