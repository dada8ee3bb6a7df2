-- grain: one row per current, usable dispute or promise status change (company, recid)
with base as (

    select * from {{ ref('base_d365__custdisputehistory') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['CustVendDisputeStatus']) }}

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
        status_label.enumitemname as status_name,
        -- CustVendDisputeStatus, decoded for the models downstream
        case base.status
            when 1 then 'disputed'
            when 2 then 'promise_to_pay'
            when 3 then 'resolved'
            when 4 then 'promise_to_pay_broken'
            when 5 then 'promise_to_pay_kept'
        end as dispute_status
    from base
    left join enum_labels as status_label
        on
            base.status = status_label.enumitemvalue
            and status_label.enumname = 'CustVendDisputeStatus'

)

select * from final
