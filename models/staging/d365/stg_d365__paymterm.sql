-- grain: one row per current, usable payment term (company, recid)
with base as (

    select * from {{ ref('base_d365__paymterm') }}
    where quarantine_reason is null

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.paymtermid,
        base.description,
        base.numofdays,
        base.lake_modified_at,
        base.lake_version_number
    from base

)

select * from final
