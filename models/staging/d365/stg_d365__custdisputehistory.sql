-- grain: one row per current, usable dispute or promise status change (company, recid)
with base as (

    select * from {{ ref('base_d365__custdisputehistory') }}
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
        base.custtrans,
        base.status,
        base.statuschangeddate,
        base.followupdate,
        base.reasoncode,
        base.responsibleworker,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        status_label.enumitemname as status_name
    from base
    left join enum_labels as status_label
        on
            base.status = status_label.enumitemvalue
            and status_label.enumname = 'CustVendDisputeStatus'

)

select * from final
