-- grain: one row per current, usable dunning letter (company, recid)
with base as (

    select * from {{ ref('base_d365__custcollectionletterjour') }}
    where quarantine_reason is null

),

enum_labels as (

    select * from {{ ref('stg_d365__enum_labels') }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.collectionletternum,
        base.accountnum,
        base.collectionlettercode,
        base.collectionletterdate,
        base.printdate,
        base.status,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        status_label.enumitemname as status_name
    from base
    left join enum_labels as status_label
        on
            base.status = status_label.enumitemvalue
            and status_label.enumname = 'PrintPostCancel'

)

select * from final
