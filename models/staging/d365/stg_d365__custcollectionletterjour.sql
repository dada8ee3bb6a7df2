-- grain: one row per current, usable dunning letter (company, recid)
with base as (

    select * from {{ ref('base_d365__custcollectionletterjour') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['PrintPostCancel']) }}

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
        status_label.enumitemname as status_name,
        -- PrintPostCancel: 0 Created, 2 Posted, 3 Canceled; only a posted letter was sent
        coalesce(base.status = 2, false) as is_posted
    from base
    left join enum_labels as status_label
        on
            base.status = status_label.enumitemvalue
            and status_label.enumname = 'PrintPostCancel'

)

select * from final
